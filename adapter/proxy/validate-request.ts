/**
 * Everything Ferry puts on the wire to the app, checked before the request is dispatched.
 *
 * Why here and not in the HTTP client: a client that refuses a request late (undici did, after
 * taking a pooled connection) leaks that connection, and 50 refused requests cost 50 file
 * descriptors. Checked up front, a refused request never touches the pool, whichever client
 * sends it. The rules are HTTP/1.1's (RFC 9110 §5.1, §5.5, §9.1; RFC 9112 §3.2):
 * - the method is a token;
 * - the target is origin-form: `/` followed by visible ASCII only (never `http://host/…`);
 * - header names are tokens; values hold only tab, visible ASCII and obs-text. Encoding policy:
 *   a value goes on the wire one byte per character (latin1), as Node's http and undici send it
 *   and as the Fetch standard's ByteString requires, so a character above U+00FF is refused
 *   rather than guessed at;
 * - Ferry frames the message itself: no framing or connection headers, at most one Host.
 */
import type { AppRequest } from '../events/index.ts';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ORIGIN_FORM = /^\/[\x21-\x7e]*$/;
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/u; // u: an emoji is named whole, not by half a surrogate pair
/** The same set over UTF-16 code units: matches exactly when BAD_VALUE_CHAR does. */
const BAD_VALUE_UNIT = /[^\t\x20-\x7e\x80-\xff]/;
/** Headers the HTTP client writes from the body and its own connection handling. */
const FRAMING_HEADERS: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer']);

/** Why `request` cannot be sent as it is, or `undefined` when it can. */
export function requestProblem(request: AppRequest): string | undefined {
  if (typeof request.method !== 'string' || !TOKEN.test(request.method)) return `the method ${quote(String(request.method))} is not an HTTP token`;
  if (typeof request.target !== 'string' || !ORIGIN_FORM.test(request.target))
    return `the request target ${quote(String(request.target))} is not a path starting with "/"`;
  for (const name of Object.keys(request.headers)) {
    if (!TOKEN.test(name)) return `the header name ${quote(name)} is not an HTTP token`;
    const lower = name.toLowerCase();
    if (FRAMING_HEADERS.has(lower)) return `the header ${name} describes the connection, which Ferry frames itself`;
    const value = request.headers[name];
    if (!Array.isArray(value)) {
      const problem = valueProblem(name, value);
      if (problem !== undefined) return problem;
      continue;
    }
    if (lower === 'host' && value.length > 1) return 'the request has more than one Host header';
    for (const v of value) {
      const problem = valueProblem(name, v);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function valueProblem(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return `the header ${name} has a value that is not a string`;
  // The plain test first: every header of every invocation passes here, and the u-mode search
  // (which names an emoji whole) is only needed to describe a refusal.
  if (!BAD_VALUE_UNIT.test(value)) return undefined;
  const bad = BAD_VALUE_CHAR.exec(value)!;
  return `the header ${name} contains ${describeChar(bad[0])}, which an HTTP/1.1 header value cannot carry (values are latin1 bytes; control characters are not allowed)`;
}

function describeChar(char: string): string {
  const code = char.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const names: Record<number, string> = { 0: 'NUL', 10: 'LF', 13: 'CR' };
  return names[code] !== undefined ? `${names[code]} (${hex})` : code > 0xff ? `"${char}" (${hex}, outside latin1)` : `the control character ${hex}`;
}

/** A value as it appears in a message: JSON-quoted (controls escaped), cut at 100 characters. */
function quote(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}
