/**
 * Extensions API client. Registration uses node:http on purpose: it is already in Node's start-up
 * snapshot, so Ferry registers before it loads anything else (Lambda starts the app only
 * after every extension has registered, so this time adds to every cold start).
 */
import http from 'node:http';

const PREFIX = '/2020-01-01/extension';

export interface ExtensionEvent {
  eventType: 'INVOKE' | 'SHUTDOWN' | string;
  deadlineMs?: number;
  shutdownReason?: string;
  requestId?: string;
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function call(runtimeApi: string, method: string, path: string, headers: Record<string, string>, body?: string, agent?: http.Agent): Promise<RawResponse> {
  const [host, port] = splitHostPort(runtimeApi);
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
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
  const response = await call(
    runtimeApi,
    'POST',
    `${PREFIX}/register`,
    { 'lambda-extension-name': name, 'content-type': 'application/json' },
    '{"events":["SHUTDOWN"]}',
  );
  const id = response.headers['lambda-extension-identifier'];
  if (response.status !== 200 || typeof id !== 'string') {
    throw new Error(`extension registration failed: HTTP ${response.status} ${response.body.slice(0, 200)}`);
  }
  // The long poll keeps its own socket so it never queues behind other calls.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    id,
    async nextEvent() {
      const res = await call(runtimeApi, 'GET', `${PREFIX}/event/next`, { 'lambda-extension-identifier': id }, undefined, agent);
      if (res.status !== 200) throw new Error(`extension event/next failed: HTTP ${res.status} ${res.body.slice(0, 200)}`);
      return JSON.parse(res.body) as ExtensionEvent;
    },
    async reportError(phase, errorType, body) {
      await call(
        runtimeApi,
        'POST',
        `${PREFIX}/${phase}/error`,
        { 'lambda-extension-identifier': id, 'lambda-extension-function-error-type': errorType, 'content-type': 'application/json' },
        JSON.stringify(body),
      );
    },
  };
}
