/**
 * Cookies in both directions.
 *
 * Request: payload 2.0 moves the client's cookies into `cookies[]`; the app must get them back as
 * ONE `Cookie` header joined with `; ` (RFC 6265 §5.4), never several.
 * Response: every `Set-Cookie` is its own value. A Set-Cookie value may contain commas
 * (`Expires=Wed, 21 Oct 2015 07:28:00 GMT`), so values are never split or comma-joined
 * (docs/field-notes.md: "cookies split on `,`", "several cookies joined into one value").
 */
import type { HeaderMap } from '../types.ts';

/** The `Cookie` header for a 2.0 `cookies[]` array, or `undefined` when there are none. */
export function cookieHeader(cookies: unknown): string | undefined {
  if (!Array.isArray(cookies)) return undefined;
  const parts = cookies.filter((c): c is string => typeof c === 'string' && c !== '');
  return parts.length === 0 ? undefined : parts.join('; ');
}

/**
 * Several `cookie` header lines (HTTP/2 clients send one per cookie, and 1.0 `multiValueHeaders`
 * keeps them apart) become one line joined with `; `, the only form an HTTP/1.1 app must accept.
 */
export function joinCookieLines(headers: HeaderMap): void {
  const value = headers.cookie;
  if (Array.isArray(value)) headers.cookie = value.join('; ');
}

/** Every Set-Cookie value the app sent, in order; tolerates a single string. */
export function setCookies(headers: HeaderMap): string[] {
  const value = headers['set-cookie'];
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value];
}
