/**
 * Forwards requests to the app over Ferry's HTTP/1.1 client (adapter/http1/pool.ts: why not
 * node:http or undici, with the measurements), on keep-alive connections reused most recent first.
 *
 * Freeze/thaw must never surface as an error. While Lambda freezes the sandbox, Ferry's and the
 * app's timers stop; on thaw the app's keep-alive timer (Express: 5 s) may close a pooled socket
 * just as Ferry reuses it. Two defences: a connection idle for longer than the idle timeout (by
 * the wall clock, so a freeze counts) is not reused, and a request that fails on the socket
 * before any response byte arrived is sent once more on a new connection.
 */
import type { Readable } from 'node:stream';
import type { AppRequest, HeaderMap } from '../events/index.ts';
import { createPool } from '../http1/pool.ts';
import { APP_RESPONSE_HEADER_LIMIT } from '../respond/limits.ts';

/**
 * Idle sockets older than this may have been closed by the app (Node's default keep-alive is 5 s).
 * AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS overrides it, as in Lambda Web Adapter (whose default is also 4 s).
 */
const DEFAULT_IDLE_TIMEOUT_MS = 4_000;
/** Connection-level failures that mean "this socket was already dead", safe to retry once. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

export interface AppResponseHead {
  statusCode: number;
  /** Lower-case names; `set-cookie` always an array. */
  headers: HeaderMap;
  /** The body as a stream; the caller must consume or destroy it. */
  body: Readable;
}

export interface AppClient {
  send(request: AppRequest, signal: AbortSignal): Promise<AppResponseHead>;
  close(): Promise<void>;
}

export interface AppClientOptions {
  /** An idle connection is not reused after this long; 0 = a new connection for every request. */
  idleTimeoutMs?: number;
}

export function createAppClient(host: string, port: number, options: AppClientOptions = {}): AppClient {
  const pool = createPool(host, port, { idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, maxHeadBytes: APP_RESPONSE_HEADER_LIMIT });

  async function attempt(request: AppRequest, signal: AbortSignal, fresh: boolean): Promise<AppResponseHead> {
    // Codecs have already dropped the hop-by-hop headers the client frames itself. The deadline's
    // signal ends the exchange, head or body, and its connection.
    const res = await pool.request({ method: request.method, path: request.target, headers: request.headers, body: request.body }, { fresh, signal });
    const cookies = res.headers['set-cookie'];
    if (typeof cookies === 'string') res.headers['set-cookie'] = [cookies];
    return res;
  }

  return {
    async send(request, signal) {
      try {
        return await attempt(request, signal, false);
      } catch (error) {
        const { code, answered } = error as { code?: string; answered?: boolean };
        if (signal.aborted || answered || !code || !STALE_SOCKET_CODES.has(code)) throw error;
        // The pooled socket died (typically across a freeze): one retry on a fresh connection.
        return await attempt(request, signal, true);
      }
    },
    close: async () => pool.close(),
  };
}
