/**
 * The request target: path and query as they go on the HTTP/1.1 request line.
 *
 * A request target is ASCII. Most sources hand Ferry the path still percent-encoded (REST API,
 * Function URL, ALB), but HTTP APIs deliver `rawPath` (and the 1.0 `path`) percent-DECODED, so an
 * event path may contain spaces, raw unicode, a literal `?`/`#` or a bare `%`. These helpers
 * escape only what can never appear literally on a request line, so an encoded path passes
 * through byte for byte (no double encoding) and a decoded one becomes a valid target:
 *
 * - bytes outside `!`..`~` (controls, space, DEL, every non-ASCII character as UTF-8) → `%XX`;
 * - `#` → `%23` (a fragment is never sent, so a `#` in an event is data);
 * - in the path only: `?` → `%3F` (the query has its own field) and a `%` that does not start a
 *   `%XX` escape → `%25` (a decoded `100%`); existing `%XX` are never touched.
 */

const HEX = '0123456789ABCDEF';

function percentByte(byte: number): string {
  return `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
}

/** Percent-encodes one character (a code point, possibly a lone surrogate) as UTF-8 bytes. */
export function percentEncodeChar(char: string): string {
  let out = '';
  // A lone surrogate becomes U+FFFD's bytes: the only UTF-8 reading it can have.
  for (const byte of Buffer.from(char, 'utf8')) out += percentByte(byte);
  return out;
}

function isHex(code: number | undefined): boolean {
  return code !== undefined && ((code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102));
}

function escapeTarget(text: string, part: 'path' | 'query'): string {
  let out = '';
  let start = 0; // start of the pending run of characters that need no escaping
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let replacement: string | undefined;
    if (code < 0x21 || code > 0x7e) {
      // Keep surrogate pairs together so an astral character is encoded as one code point.
      const isPair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      replacement = percentEncodeChar(isPair ? text.slice(i, i + 2) : text[i]);
      if (isPair) {
        out += text.slice(start, i) + replacement;
        i++;
        start = i + 1;
        continue;
      }
    } else if (code === 0x23 /* # */) {
      replacement = '%23';
    } else if (part === 'path' && code === 0x3f /* ? */) {
      replacement = '%3F';
    } else if (part === 'path' && code === 0x25 /* % */ && !(isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2)))) {
      replacement = '%25';
    }
    if (replacement !== undefined) {
      out += text.slice(start, i) + replacement;
      start = i + 1;
    }
  }
  return start === 0 ? text : out + text.slice(start);
}

/**
 * The path as it goes on the request line, always origin-form: `''` becomes `/`, and a path
 * without its leading `/` gets one, so `http://169.254.169.254/latest` reaches the app as the
 * path `/http://169.254.169.254/latest`, never as an absolute-form target naming another host
 * (which apps and proxies that honour absolute-form would follow). See the module comment.
 */
export function escapePath(path: string): string {
  return escapeTarget(path.startsWith('/') ? path : `/${path}`, 'path');
}

/** A query string (no leading `?`) as it goes on the request line: verbatim unless it holds characters a request line cannot carry. */
export function escapeQuery(query: string): string {
  return escapeTarget(query, 'query');
}

/** `path?query`, or just the path when the query is empty. Both parts are escaped. */
export function requestTarget(path: string, query: string): string {
  const escapedPath = escapePath(path);
  return query === '' ? escapedPath : `${escapedPath}?${escapeQuery(query)}`;
}

/**
 * Splits a path that may already carry its query (`/a?b=1`, as VPC Lattice sends it) and escapes
 * both parts. Returns `undefined` when there is no `?`.
 */
export function targetFromPathWithQuery(pathWithQuery: string): string | undefined {
  const at = pathWithQuery.indexOf('?');
  if (at === -1) return undefined;
  return requestTarget(pathWithQuery.slice(0, at), pathWithQuery.slice(at + 1));
}
