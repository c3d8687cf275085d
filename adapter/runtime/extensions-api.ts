/**
 * Extensions API client, over Ferry's HTTP/1.1 client (../http1/pool.ts) like the Runtime API.
 * node:http's client (Agent, ClientRequest, IncomingMessage) was Ferry's last use of it in
 * extension and runtime mode; registering through it loaded node:http (~3 ms on top of node:net)
 * and built its first request before Lambda may start the app (Lambda waits for every extension to
 * register, so this time adds to every cold start).
 */
import { createPool } from '../http1/pool.ts';

const PREFIX = '/2020-01-01/extension';
/** The Extensions API's answer heads are a few headers; far from this limit. */
const EXTENSIONS_HEAD_LIMIT = 64 * 1024;

export interface ExtensionEvent {
  eventType: 'INVOKE' | 'SHUTDOWN' | string;
  deadlineMs?: number;
  shutdownReason?: string;
  requestId?: string;
}

export function splitHostPort(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at).replace(/^\[|\]$/g, ''), Number(address.slice(at + 1))];
}

export interface ExtensionsClient {
  readonly id: string;
  /** Long poll for the next event; never times out. */
  nextEvent(): Promise<ExtensionEvent>;
  /** Report a failure to Lambda before exiting (`/init/error` during Init, `/exit/error` after). */
  reportError(phase: 'init' | 'exit', errorType: string, body: unknown): Promise<void>;
}

/** Register as an external extension subscribed to SHUTDOWN. */
export async function registerExtension(runtimeApi: string, name: string): Promise<ExtensionsClient> {
  const [host, port] = splitHostPort(runtimeApi);
  // Keep-alive with no idle limit, as for the Runtime API. A call made while another is pending
  // (the long poll) gets a connection of its own, so nothing queues behind the long poll.
  const pool = createPool(host, port, { idleTimeoutMs: Number.POSITIVE_INFINITY, maxHeadBytes: EXTENSIONS_HEAD_LIMIT });
  const call = async (method: string, path: string, headers: Record<string, string>, body?: string) => {
    const res = await pool.fetch({ method, path, headers, body });
    return { status: res.statusCode, headers: res.headers, body: res.body.toString('utf8') };
  };

  const response = await call('POST', `${PREFIX}/register`, { 'lambda-extension-name': name, 'content-type': 'application/json' }, '{"events":["SHUTDOWN"]}');
  const id = response.headers['lambda-extension-identifier'];
  if (response.status !== 200 || typeof id !== 'string') {
    throw new Error(`extension registration failed: HTTP ${response.status} ${response.body.slice(0, 200)}`);
  }
  return {
    id,
    async nextEvent() {
      const res = await call('GET', `${PREFIX}/event/next`, { 'lambda-extension-identifier': id });
      if (res.status !== 200) throw new Error(`extension event/next failed: HTTP ${res.status} ${res.body.slice(0, 200)}`);
      return JSON.parse(res.body) as ExtensionEvent;
    },
    async reportError(phase, errorType, body) {
      await call(
        'POST',
        `${PREFIX}/${phase}/error`,
        { 'lambda-extension-identifier': id, 'lambda-extension-function-error-type': errorType, 'content-type': 'application/json' },
        JSON.stringify(body),
      );
    },
  };
}
