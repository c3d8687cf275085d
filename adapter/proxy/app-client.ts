/**
 * Forwards requests to the app over node:http with a keep-alive Agent whose connections read up
 * to 1 MiB at a time (wide-read-socket.ts). Why node:http and not undici: http-request.ts.
 *
 * Freeze/thaw must never surface as an error. While Lambda freezes the sandbox, Ferry's and the
 * app's timers stop; on thaw the app's keep-alive timer (Express: 5 s) may close a pooled socket
 * just as Ferry reuses it. Two defences: after a wall-clock gap longer than the idle timeout
 * Ferry starts a fresh agent, and a request that fails on the socket before any response byte
 * arrived is sent once more on a new connection.
 */
import http from 'node:http';
import type { Readable } from 'node:stream';
import type { AppRequest, HeaderMap } from '../events/index.ts';
import { httpRequest } from '../http-request.ts';
import { APP_RESPONSE_HEADER_LIMIT } from '../respond/limits.ts';
import { connectWideRead } from './wide-read-socket.ts';

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

class WideReadAgent extends http.Agent {
  override createConnection(options: { host?: string | null; port?: number | string | null }): ReturnType<typeof connectWideRead> {
    return connectWideRead(options);
  }
}

export function createAppClient(host: string, port: number, options: AppClientOptions = {}): AppClient {
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  // "Never reuse" is an agent without keep-alive: node:http then sends `Connection: close`.
  const newAgent = () => new WideReadAgent({ keepAlive: idleTimeoutMs > 0, scheduling: 'lifo' });
  let agent = newAgent();
  let lastUsed = Date.now();

  function renew(): http.Agent {
    retire(agent);
    agent = newAgent();
    return agent;
  }

  function currentAgent(): http.Agent {
    const now = Date.now();
    const stale = now - lastUsed > idleTimeoutMs;
    lastUsed = now;
    return stale ? renew() : agent;
  }

  async function attempt(request: AppRequest, signal: AbortSignal, dispatcher: http.Agent): Promise<AppResponseHead> {
    // Codecs have already dropped the hop-by-hop headers the client frames itself.
    const res = await httpRequest(dispatcher, host, port, {
      method: request.method,
      path: request.target,
      headers: request.headers,
      body: request.body,
      signal,
      maxHeaderSize: APP_RESPONSE_HEADER_LIMIT,
    });
    lastUsed = Date.now();
    const cookies = res.headers['set-cookie'];
    if (typeof cookies === 'string') res.headers['set-cookie'] = [cookies];
    return res;
  }

  return {
    async send(request, signal) {
      try {
        return await attempt(request, signal, currentAgent());
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (signal.aborted || !code || !STALE_SOCKET_CODES.has(code)) {
          // The connection this request took may be in any state: retire the agent, which ends
          // its sockets once nothing uses them, so a failed send can never leave one open.
          renew();
          throw error;
        }
        // The pooled socket died (typically across a freeze): one retry on a fresh connection.
        return await attempt(request, signal, renew());
      }
    },
    close: async () => retire(agent),
  };
}

/** Close the agent's idle sockets now and each busy one when its response is done (not mid-response). */
function retire(agent: http.Agent): void {
  agent.keepSocketAlive = () => false;
  for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
}
