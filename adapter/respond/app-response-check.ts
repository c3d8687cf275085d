/**
 * What Ferry checks in the app's answer before it becomes a Lambda result: a final status in
 * HTTP's range, no body where HTTP allows none, and a clear cause when the bytes were not HTTP.
 */
import type { AppResponseHead } from '../proxy/app-client.ts';
import { APP_RESPONSE_HEADER_LIMIT } from './limits.ts';

/** Why this status cannot be a final answer (999, 42, a 1xx), or `undefined`. */
export function statusProblem(statusCode: number): string | undefined {
  if (Number.isInteger(statusCode) && statusCode >= 200 && statusCode <= 599) return undefined;
  return `The app answered with status ${statusCode}, which is not a final HTTP status (200-599).`;
}

/**
 * 204, 304 and HEAD answers have no body, whatever Content-Length says (RFC 9110 §6.4.1): a
 * framework that sends `204` with `Content-Length: 5` (@hono/node-server does) is answered, not
 * failed. A 204 must not carry a Content-Length at all (RFC 9110 §8.6); a 304's describes the
 * representation and stays.
 */
export function withoutBodyIfNone(
  head: AppResponseHead,
  method: string,
): AppResponseHead | { statusCode: number; headers: AppResponseHead['headers']; body: Buffer } {
  if (head.statusCode !== 204 && head.statusCode !== 304 && method !== 'HEAD') return head;
  discardBody(head);
  const headers = head.headers;
  if (head.statusCode === 204) delete headers['content-length'];
  return { statusCode: head.statusCode, headers, body: Buffer.alloc(0) };
}

/** Stop reading an answer Ferry will not forward; the client's complaint about it is expected. */
export function discardBody(head: AppResponseHead): void {
  head.body.on('error', () => undefined);
  head.body.destroy();
}

/**
 * When reading the app's answer failed because the bytes were not valid HTTP/1.1 (a control
 * byte or a bare CR in a header, no status line, headers over the limit), the message that says
 * so; `undefined` for other failures (connection refused, reset). Works for undici's and
 * node:http's errors alike.
 */
export function malformedResponse(error: unknown): string | undefined {
  const { code, name, message } = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
  if (code === 'UND_ERR_HEADERS_OVERFLOW' || code === 'HPE_HEADER_OVERFLOW') {
    return `The app's response headers are larger than Ferry's limit of ${APP_RESPONSE_HEADER_LIMIT} bytes (about 300 typical Set-Cookie headers); send fewer or shorter headers.`;
  }
  if (name === 'HTTPParserError' || (typeof code === 'string' && code.startsWith('HPE_'))) {
    return `The app's response is not valid HTTP/1.1 (${String(message)}): a header may hold a control character or a bare CR, or the status line is missing.`;
  }
  return undefined;
}
