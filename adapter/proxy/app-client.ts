/**
 * Forwards requests to the app on an undici pool with keep-alive.
 *
 * Freeze/thaw must never surface as an error. While Lambda freezes the sandbox, Ferry's and the
 * app's timers stop; on thaw the app's keep-alive timer (Express: 5 s) may close a pooled socket
 * just as Ferry reuses it. Two defences: after a wall-clock gap longer than any common keep-alive
 * timeout Ferry starts a fresh pool, and a request that fails on the socket before any response
 * byte arrived is sent once more on a new connection.
 */
import { Pool } from 'undici';
import type { Readable } from 'node:stream';
import type { AppRequest, HeaderMap } from '../events/index.ts';
import { APP_RESPONSE_HEADER_LIMIT } from '../respond/limits.ts';
import { wideReadConnector } from './wide-read-socket.ts';

/**
 * Idle sockets older than this may have been closed by the app (Node's default keep-alive is 5 s).
 * AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS overrides it, as in Lambda Web Adapter (whose default is also 4 s).
 */
const DEFAULT_IDLE_TIMEOUT_MS = 4_000;
/** Connection-level failures that mean "this socket was already dead", safe to retry once. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

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
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  // undici refuses keepAliveTimeout 0; "never reuse" is `reset` (Connection: close) on each request instead.
  const neverReuse = idleTimeoutMs === 0;
  const newPool = () =>
    new Pool(origin, { pipelining: 1, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: Math.max(1, idleTimeoutMs), maxHeaderSize: APP_RESPONSE_HEADER_LIMIT, connect: wideReadConnector });
  let pool = newPool();
  let lastUsed = Date.now();

  function currentPool(): Pool {
    const now = Date.now();
    if (now - lastUsed > idleTimeoutMs) {
      const old = pool;
      pool = newPool();
      void old.close().catch(() => undefined);
    }
    lastUsed = now;
    return pool;
  }

  async function attempt(request: AppRequest, signal: AbortSignal, dispatcher: Pool): Promise<AppResponseHead> {
    // Codecs have already dropped the hop-by-hop headers undici frames itself.
    const res = await dispatcher.request({
      method: request.method,
      path: request.target,
      headers: request.headers,
      body: request.body ?? undefined,
      signal,
      reset: neverReuse,
    });
    lastUsed = Date.now();
    const responseHeaders = res.headers as HeaderMap;
    const cookies = responseHeaders['set-cookie'];
    if (typeof cookies === 'string') responseHeaders['set-cookie'] = [cookies];
    return { statusCode: res.statusCode, headers: responseHeaders, body: res.body };
  }

  return {
    async send(request, signal) {
      try {
        return await attempt(request, signal, currentPool());
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (signal.aborted || !code || !STALE_SOCKET_CODES.has(code)) {
          // The connection this request took may be in any state (undici kept one open for every
          // request it refused): retire the pool, whose close() ends it once nothing uses it.
          const old = pool;
          pool = newPool();
          void old.close().catch(() => undefined);
          throw error;
        }
        // The pooled socket died (typically across a freeze): one retry on a fresh connection.
        const old = pool;
        pool = newPool();
        void old.close().catch(() => undefined);
        return await attempt(request, signal, pool);
      }
    },
    close: () => pool.close(),
  };
}
