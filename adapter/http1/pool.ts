/**
 * Keep-alive connections to one host:port, the most recently used first (LIFO: the warmest
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
