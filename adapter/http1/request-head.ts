/**
 * A request's head as one latin1 string (request line, Host first, the caller's headers, then
 * the framing Ferry owns), so the head goes out in one write, together with a small body.
 */
import type { HeaderMap } from '../events/index.ts';

export interface HttpRequest {
  method: string;
  /** Path and query as they go on the request line. */
  path: string;
  headers?: HeaderMap;
  body?: Buffer | string | null;
}

/** The code of a request that cannot go on the wire (the app's requests are checked before: proxy/validate-request.ts). */
export const INVALID_REQUEST = 'FERRY_INVALID_REQUEST';

/** Methods whose requests carry a Content-Length even without a body (as undici and node:http sent them). */
const EXPECTS_PAYLOAD = new Set(['POST', 'PUT', 'PATCH']);
/** What would end a header line early: the last check before the wire, for Ferry's own headers too. */
const LINE_BREAK = /[\r\n\0]/;

/**
 * `framing` is `chunked` for a body Ferry writes piece by piece, else the body's length is sent
 * whenever there is a body (a GET's too: without it a keep-alive server reads the body as the
 * next request). `close` asks the server to end the connection after its answer.
 */
export function requestHead(request: HttpRequest, host: string, bodyBytes: number, close: boolean, chunked = false): string {
  const { method, path } = request;
  if (path.charCodeAt(0) !== 47 || LINE_BREAK.test(path) || path.includes(' ')) {
    throw invalid(`the request target ${JSON.stringify(path.slice(0, 100))} is not a path starting with "/"`);
  }
  const given = request.headers;
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${given?.host ?? host}\r\n`;
  if (given) {
    for (const name in given) {
      if (name === 'host') continue;
      const value = given[name]!;
      if (typeof value === 'string') head += line(name, value);
      else for (const one of value) head += line(name, one);
    }
  }
  if (chunked) head += 'Transfer-Encoding: chunked\r\n';
  else if (bodyBytes > 0 || EXPECTS_PAYLOAD.has(method)) head += `Content-Length: ${bodyBytes}\r\n`;
  if (close) head += 'Connection: close\r\n';
  return `${head}\r\n`;
}

/** `host:port` as a Host header (an IPv6 address in brackets). */
export function hostHeader(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function line(name: string, value: string): string {
  if (LINE_BREAK.test(value) || LINE_BREAK.test(name) || name.includes(':')) throw invalid(`the header ${JSON.stringify(name)} cannot be written as one line`);
  return `${name}: ${value}\r\n`;
}

function invalid(message: string): Error {
  return Object.assign(new Error(message), { code: INVALID_REQUEST });
}
