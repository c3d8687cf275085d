/**
 * Text or base64: how a response body travels inside the JSON result.
 *
 * A result's `body` is a JSON string that the front end turns back into bytes as UTF-8, unless
 * `isBase64Encoded` is true. Base64 is always safe; text is smaller and readable, and is what
 * clients of some sources expect for JSON and HTML. The default heuristic says text for:
 *
 * | content type                                                             | text? |
 * |--------------------------------------------------------------------------|-------|
 * | none                                                                     | yes   |
 * | `text/*`                                                                 | yes   |
 * | `application/json`, `/javascript`, `/xml`, `/yaml`                       | yes   |
 * | any `+json`, `+xml`, `+yaml` suffix (`application/jwk-set+json`, `image/svg+xml`) | yes |
 * | a `charset` other than UTF-8 / US-ASCII (latin1, utf-16, shift_jis…)     | no    |
 * | any `Content-Encoding` other than `identity` (gzip, br…)                 | no    |
 * | everything else (images, `application/octet-stream`, forms, zip…)        | no    |
 *
 * Charset: Ferry never transcodes. A text body goes out as its own bytes read as UTF-8, which
 * round-trips only UTF-8 (and its subset US-ASCII); a latin1 or UTF-16 body would be mangled, so
 * it travels as base64 and the client gets the exact bytes and the app's charset label.
 * Independently of this heuristic, codecs send base64 whenever the body is not valid UTF-8
 * (see `encodeBody` in body.ts), so a wrong guess can cost size but never corrupt bytes.
 */

/** The overridable text-vs-base64 heuristic; see the table in this module's comment. */
export type IsTextBody = (contentType: string | undefined, contentEncoding: string | undefined) => boolean;

const TEXT_TYPES: ReadonlySet<string> = new Set(['application/json', 'application/javascript', 'application/xml', 'application/yaml']);
const TEXT_SUFFIXES = ['+json', '+xml', '+yaml'];
const UTF8_CHARSETS: ReadonlySet<string> = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

/** `text/html; charset="UTF-8"` → `{ type: 'text/html', charset: 'utf-8' }`. */
export function parseMediaType(contentType: string): { type: string; charset: string | undefined } {
  const [type = '', ...params] = contentType.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

/** `identity` (or an empty field) means "not encoded"; anything else (`gzip`, `br`, `gzip, br`) is encoded. */
function isIdentity(contentEncoding: string): boolean {
  const coding = contentEncoding.trim().toLowerCase();
  return coding === '' || coding === 'identity';
}

/**
 * The default heuristic: true when a body of this type may travel as text.
 * @example isTextBody('application/problem+json', undefined) // true
 * @example isTextBody('text/html; charset=iso-8859-1', undefined) // false: sent as base64
 * @example isTextBody('application/json', 'gzip') // false
 */
export const isTextBody: IsTextBody = (contentType, contentEncoding) => {
  if (contentEncoding !== undefined && !isIdentity(contentEncoding)) return false;
  if (contentType === undefined || contentType.trim() === '') return true;
  const { type, charset } = parseMediaType(contentType);
  if (charset !== undefined && !UTF8_CHARSETS.has(charset)) return false;
  if (type.startsWith('text/') || TEXT_TYPES.has(type)) return true;
  return TEXT_SUFFIXES.some((suffix) => type.endsWith(suffix));
};
