/**
 * Ferry's HTTP/1.1 client, for every hop Ferry makes: the Extensions API (registration, the event
 * long poll), the app (sidecar, runtime and inline modes), the Runtime API (/next, results, the
 * streamed upload) and the readiness probe.
 *
 * Why hand-written protocol code: Ferry needs one request at a time per connection to a local
 * server, Content-Length or chunked, nothing else. undici was 118 KB of JavaScript plus an llhttp
 * WebAssembly compile on every cold start (spawn → first /next 103.7 ms vs 84.1 ms with node:http,
 * adapter history); node:http won that back but spent ~60% of Ferry's warm CPU in its client
 * machinery (Agent.addRequest, ClientRequest, IncomingMessage, abort listeners, several writes per
 * request). Here a request is one string or Buffer and one write; an answer one parse per read.
 * `npm run bench -- --only=warm,streaming,profile`, full preset, Node 22, 2 shared cores, load
 * average 3.0-4.1, every figure beside main (186d34c, undici) in the same run:
 *   warm p50, extension buffered   914 µs (main 1,185; in-process 1,119); runtime mode 1,008;
 *                                  response_stream 1,084; inline 910
 *   Ferry CPU per invocation       685 µs (main 1,015); inline 890 (Ferry and app in one process)
 *   streaming 190 MiB              377 MiB/s (main 274, direct 424: a noisy run); inline RSS growth
 *                                  18.9 MiB, Ferry's peak RSS 65 MiB (an earlier run of this client
 *                                  copying every read: 50.9 MiB and 93 MiB; read-buffers.ts)
 * node:http in the previous full run (63894b5, load 0.8-3.4, not side by side): p50 1,488 µs
 * against main's 1,186, CPU 1,340 µs against 1,100, streaming 396 MiB/s against 427.
 * Init: registration moved here too, and the lease server loads node:http only at its first
 * connection, so node:http no longer loads in extension or runtime mode: CPU to the first /next
 * 75.6 ms against 86.7 with registration over node:http (8b24350), medians of 80 interleaved runs,
 * 1,769 MB box, Node 22, load average 1.7-3.6 (lease/server.ts has the lease server's share).
 *
 * The pool: keep-alive connections to one host:port, the most recently used first (LIFO: the warmest
 * socket, and the others may time out at the server). An idle connection is not reused after
 * `idleTimeoutMs`; 0 means a new connection for every request, sent with `Connection: close`.
 * A failed exchange destroys its connection, so no failure leaves a socket open.
 */
import { Connection, type ExchangeLimits, type HttpResponse, type WholeResponse } from './connection.ts';
import { type HttpRequest, hostHeader, requestHead } from './request-head.ts';

/** A body up to this size leaves in the same write as the head (one buffer, one system call). */
const INLINE_BODY_BYTES = 64 * 1024;

export interface PoolOptions {
  idleTimeoutMs: number;
  /** The longest response head (status line and headers) accepted. */
  maxHeadBytes: number;
  writableHighWaterMark?: number;
}

export interface SendOptions extends ExchangeLimits {
  /** A connection never used before (a retry after a stale one). */
  fresh?: boolean;
}

/** A request whose body its caller writes to `connection.socket`, then calls `connection.sent()`. */
export interface OpenUpload {
  connection: Connection;
  response: Promise<HttpResponse>;
}

export interface Pool {
  /** Resolves at the answer's head; its body is a stream. */
  request(request: HttpRequest, options?: SendOptions): Promise<HttpResponse>;
  /** Resolves at the answer's end, its body in one Buffer (no stream: the Runtime API's answers). */
  fetch(request: HttpRequest, options?: SendOptions): Promise<WholeResponse>;
  /** A request with a chunked body written by the caller (the head is written here). */
  upload(request: HttpRequest): OpenUpload;
  /** Destroy the idle connections; busy ones end with their exchange (they are not kept). */
  close(): void;
}

export function createPool(host: string, port: number, options: PoolOptions): Pool {
  const { idleTimeoutMs, maxHeadBytes, writableHighWaterMark } = options;
  const reuse = idleTimeoutMs > 0;
  const defaultHost = hostHeader(host, port);
  const idle: Connection[] = [];
  let closed = false;
  const onIdle = (connection: Connection) => {
    if (closed || !reuse) connection.destroy();
    else idle.push(connection);
  };

  function take(fresh: boolean): Connection {
    if (!fresh) {
      const now = Date.now();
      for (let connection = idle.pop(); connection !== undefined; connection = idle.pop()) {
        // A wall-clock gap (a freeze) longer than the idle timeout: the server may have closed it.
        if (!connection.dead && now - connection.idleSince <= idleTimeoutMs) return connection;
        connection.destroy();
      }
    }
    return new Connection({ host, port, maxHeadBytes, writableHighWaterMark, onIdle });
  }

  function exchange(request: HttpRequest, send: SendOptions, whole: boolean): Promise<HttpResponse | WholeResponse> {
    const body = request.body ?? null;
    const bytes = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    let head: string;
    try {
      head = requestHead(request, defaultHost, bytes, !reuse);
    } catch (error) {
      return Promise.reject(error);
    }
    const connection = take(send.fresh === true);
    const options = { noBody: request.method === 'HEAD', whole, signal: send.signal, timeoutMs: send.timeoutMs };
    if (bytes === 0) return connection.exchange(head, options);
    if (bytes > INLINE_BODY_BYTES) return connection.exchange([head, body!], options);
    const payload = Buffer.allocUnsafe(head.length + bytes);
    payload.write(head, 0, 'latin1');
    if (typeof body === 'string') payload.write(body, head.length, 'utf8');
    else body!.copy(payload, head.length);
    return connection.exchange(payload, options);
  }

  return {
    request: (request, send = {}) => exchange(request, send, false) as Promise<HttpResponse>,
    fetch: (request, send = {}) => exchange(request, send, true) as Promise<WholeResponse>,

    upload(request) {
      const head = requestHead(request, defaultHost, 0, !reuse, true);
      const connection = take(false);
      return { connection, response: connection.exchange(head, { sent: false }) };
    },

    close() {
      closed = true;
      for (const connection of idle.splice(0)) connection.destroy();
    },
  };
}
