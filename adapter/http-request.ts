/**
 * One HTTP/1.1 request over node:http, for every connection Ferry opens: to the app, the
 * readiness probe and the Runtime API. Resolves at the response head with undici's shape (lower-
 * case names, a repeated header as an array in arrival order), so no caller sees which client
 * carries it.
 *
 * Why node:http and not undici: node:http is part of Node (its JavaScript compiled from Node's
 * embedded code cache, its llhttp parser native code), while undici was 118 KB of JavaScript in
 * the layer bundle, compiled on every cold start, plus its llhttp WebAssembly, compiled at the
 * first connection. Measured with Node 22 in a 1,769 MB box (the bench's weight section, one run,
 * 8 interleaved samples each): Ferry's CPU from spawn to its first /next 103.7 ms [96-129] with
 * undici, 84.1 ms [69-99] without (`node -e 0`: 38.0 ms); its idle RSS 61-69 MiB → 51.3 MiB; the
 * bundle 167 → 50 KB. Warm p50 and streaming run beside main in every bench (see its goals).
 */
import http from 'node:http';

export interface HttpRequest {
  method: string;
  /** Path and query as they go on the request line. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string | null;
  signal?: AbortSignal;
  /**
   * Destroy the request if it is not over (head and body read) within `ms`; `expired` is then
   * set. One timer and a 'close' listener: an AbortController and signal per request cost more.
   */
  timeout?: { ms: number; expired?: boolean };
  /** The longest response head accepted (node:http's default is 16 KiB). */
  maxHeaderSize?: number;
}

export interface HttpResponseHead {
  statusCode: number;
  headers: Record<string, string | string[]>;
  /** The caller must consume or destroy it: a consumed body gives its socket back to the agent. */
  body: http.IncomingMessage;
}

/** Methods whose requests carry a Content-Length even without a body (as undici sent them). */
const EXPECTS_PAYLOAD = new Set(['POST', 'PUT', 'PATCH']);

/** The code of a request node:http refuses to put on the wire (bad method, path or header). */
export const INVALID_REQUEST = 'FERRY_INVALID_REQUEST';

export function httpRequest(agent: http.Agent, host: string, port: number, request: HttpRequest): Promise<HttpResponseHead> {
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest;
    try {
      // undici refused a target not starting with "/"; node:http would send it as it is.
      if (!request.path.startsWith('/')) throw new TypeError(`the request target ${JSON.stringify(request.path.slice(0, 100))} does not start with "/"`);
      req = http.request({
        agent,
        host,
        port,
        method: request.method,
        path: request.path,
        headers: headLines(request, host, port),
        signal: request.signal,
        maxHeaderSize: request.maxHeaderSize,
        // Plain HTTP has no TLS server name: '' spares the Agent's per-request calculateServerName
        // (a regex over the Host header); the Agent reads it from the options (absent from the types).
        servername: '',
      } as http.RequestOptions);
    } catch (error) {
      // ERR_INVALID_CHAR, ERR_INVALID_HTTP_TOKEN, ERR_UNESCAPED_CHARACTERS: the request itself is bad.
      reject(Object.assign(new Error((error as Error).message), { code: INVALID_REQUEST }));
      return;
    }
    const { timeout } = request;
    if (timeout) {
      const timer = setTimeout(() => {
        timeout.expired = true;
        req.destroy(new Error(`no answer within ${timeout.ms} ms`));
      }, timeout.ms);
      // 'close' comes once the response is read to its end, or when the request failed.
      req.once('close', () => clearTimeout(timer));
    }
    req.once('error', reject);
    req.once('response', (res) => {
      req.off('error', reject);
      // After the head, a failure belongs to the body stream (its reader sees it).
      req.on('error', () => undefined);
      resolve({ statusCode: res.statusCode ?? 0, headers: headersOf(res.rawHeaders), body: res });
    });
    req.end(request.body ?? undefined);
  });
}

/**
 * The request's headers as undici framed them: Host first (the caller's, else host:port), and a
 * Content-Length whenever there is a body. node:http would frame a GET's or DELETE's body by
 * closing the connection, which a keep-alive server reads as the start of the next request.
 */
function headLines(request: HttpRequest, host: string, port: number): Record<string, string | string[]> {
  const given = request.headers;
  // One loop instead of a rest-destructure and a spread (this runs three times per invocation);
  // no prototype, so a header named `__proto__` is copied as a header, as the spread did.
  const headers: Record<string, string | string[]> = Object.create(null);
  headers.host = given?.host ?? `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (given) for (const name in given) if (name !== 'host') headers[name] = given[name]!;
  const bytes = request.body ? Buffer.byteLength(request.body) : 0;
  if (bytes > 0 || EXPECTS_PAYLOAD.has(request.method.toUpperCase())) headers['content-length'] = String(bytes);
  return headers;
}

/**
 * Raw header lines → lower-case names, repeats as arrays (node's `res.headers` would join or drop
 * them). No prototype: a header named `__proto__` or `constructor` is a header like any other.
 */
function headersOf(raw: string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = Object.create(null);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (typeof seen === 'string') headers[name] = [seen, value];
    else seen.push(value);
  }
  return headers;
}
