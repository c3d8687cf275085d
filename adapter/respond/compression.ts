/**
 * Response compression for buffered responses (`AWS_LWA_ENABLE_COMPRESSION`): a pure function
 * from the app's response and the client's Accept-Encoding to the response the client gets.
 *
 * Compresses with br or gzip, the client's preference by q-value (br on a tie, it is smaller),
 * only when it helps and is safe:
 * - not when the app already set Content-Encoding (Next.js gzips itself: never compress twice);
 * - not for 1xx/204/304/206 or a `Content-Range` (no body, or a byte range of the original);
 * - not for bodies under `minBytes` (default 1 KiB: the framing cost eats the gain), which also
 *   skips bodiless HEAD answers whose Content-Length describes the GET;
 * - not for types that are already compressed: images (except SVG), audio, video, fonts in
 *   WOFF/WOFF2, archives (zip, gzip, 7z, rar, bzip2, xz, zstd), or streams (SSE, gRPC);
 * - not with `Cache-Control: no-transform` (RFC 9110 §7.7);
 * - not when the compressed body is no smaller.
 * Every response that was eligible gets `Vary: Accept-Encoding`, whatever this client accepted,
 * so caches keep the variants apart. A compressed response gets `content-encoding`, a correct
 * `content-length`, and a strong ETag turned weak (the bytes differ from the identity variant).
 *
 * br runs at quality 4 (close to gzip's speed, smaller output); gzip at level 6.
 */
import type * as Zlib from 'node:zlib';
import type { AppResponse, HeaderMap } from '../events/index.ts';

export interface CompressionOptions {
  /** Bodies shorter than this many bytes are sent as they are. Default 1024. */
  minBytes?: number;
}

export const DEFAULT_MIN_COMPRESS_BYTES = 1024;
const BROTLI_QUALITY = 4;
const GZIP_LEVEL = 6;
/**
 * node:zlib is loaded at the first compression, not with Ferry: it costs ~2 ms of CPU (Node 22,
 * one core, median of 5 runs: 1.7-2.7 ms) in every Init, for a setting that is off by default.
 */
let zlib: typeof Zlib | undefined;
const codecs = (): typeof Zlib => (zlib ??= process.getBuiltinModule('node:zlib'));

const NO_BODY_STATUS = (status: number) => status < 200 || status === 204 || status === 206 || status === 304;

const INCOMPRESSIBLE_PREFIXES = ['image/', 'audio/', 'video/'];
const COMPRESSIBLE_IMAGES: ReadonlySet<string> = new Set(['image/svg+xml', 'image/x-icon', 'image/vnd.microsoft.icon', 'image/bmp']);
const INCOMPRESSIBLE_TYPES: ReadonlySet<string> = new Set([
  'application/zip',
  'application/gzip',
  'application/x-gzip',
  'application/x-bzip2',
  'application/x-7z-compressed',
  'application/x-rar-compressed',
  'application/vnd.rar',
  'application/x-xz',
  'application/zstd',
  'application/x-zstd',
  'application/x-brotli',
  'application/grpc',
  'font/woff',
  'font/woff2',
  'text/event-stream',
]);

type Coding = 'br' | 'gzip';

/** Whether this media type may be worth compressing. */
function isCompressibleType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (COMPRESSIBLE_IMAGES.has(type)) return true;
  if (INCOMPRESSIBLE_TYPES.has(type) || type.startsWith('application/grpc')) return false;
  return !INCOMPRESSIBLE_PREFIXES.some((prefix) => type.startsWith(prefix));
}

/**
 * The coding to use for this Accept-Encoding, or `undefined` for none.
 * `br;q=0.5, gzip` → gzip; `gzip, br` → br (tie goes to br); `*` covers codings not listed;
 * `q=0` refuses. A missing header means the client takes no coding.
 */
export function chooseEncoding(acceptEncoding: string | undefined): Coding | undefined {
  if (acceptEncoding === undefined) return undefined;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = rawName.trim().toLowerCase();
    if (name === '') continue;
    let weight = 1;
    for (const param of params) {
      const [key, value] = param.split('=').map((s) => s.trim().toLowerCase());
      if (key === 'q') weight = Number.isFinite(Number(value)) && value !== '' ? Number(value) : 0;
    }
    q.set(name, Math.max(weight, q.get(name) ?? -1));
  }
  const weightOf = (coding: Coding) => q.get(coding) ?? (coding === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0;
  const br = weightOf('br');
  const gzip = weightOf('gzip');
  if (br <= 0 && gzip <= 0) return undefined;
  return br >= gzip ? 'br' : 'gzip';
}

function header(headers: HeaderMap, name: string): { key: string; value: string } | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return { key, value: Array.isArray(value) ? value.join(', ') : value };
  }
  return undefined;
}

/** Headers with `name` replaced (case-insensitively) by `value`. */
function withHeader(headers: HeaderMap, name: string, value: string | string[]): HeaderMap {
  const out: HeaderMap = Object.create(null); // the app names the headers: `__proto__` is one
  for (const [key, existing] of Object.entries(headers)) if (key.toLowerCase() !== name) out[key] = existing;
  out[name] = value;
  return out;
}

function addVary(headers: HeaderMap): HeaderMap {
  const vary = header(headers, 'vary');
  if (vary === undefined) return withHeader(headers, 'vary', 'accept-encoding');
  const tokens = vary.value.split(',').map((t) => t.trim().toLowerCase());
  if (tokens.includes('*') || tokens.includes('accept-encoding')) return headers;
  return withHeader(headers, 'vary', `${vary.value}, accept-encoding`);
}

function compress(body: Buffer, coding: Coding): Buffer {
  const { brotliCompressSync, constants, gzipSync } = codecs();
  if (coding === 'gzip') return gzipSync(body, { level: GZIP_LEVEL });
  return brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
}

/**
 * The response to send to a client that sent `acceptEncoding`, compressed when worthwhile.
 * Pure: returns a new response (or the same one when nothing applies), never mutates its input.
 * @example compressResponse({ statusCode: 200, headers: { 'content-type': 'text/html' }, body }, 'gzip, br')
 */
export function compressResponse(response: AppResponse, acceptEncoding: string | undefined, options: CompressionOptions = {}): AppResponse {
  const minBytes = options.minBytes ?? DEFAULT_MIN_COMPRESS_BYTES;
  const { headers, body, statusCode } = response;
  if (NO_BODY_STATUS(statusCode) || body.length === 0 || body.length < minBytes) return response;
  if (header(headers, 'content-encoding') !== undefined || header(headers, 'content-range') !== undefined) return response;
  if (!isCompressibleType(header(headers, 'content-type')?.value)) return response;
  if (/(^|,)\s*no-transform\s*(,|$)/i.test(header(headers, 'cache-control')?.value ?? '')) return response;

  const varied = addVary(headers);
  const coding = chooseEncoding(acceptEncoding);
  if (coding === undefined) return varied === headers ? response : { ...response, headers: varied };
  const compressed = compress(body, coding);
  if (compressed.length >= body.length) return { ...response, headers: varied };

  let out = withHeader(varied, 'content-encoding', coding);
  out = withHeader(out, 'content-length', String(compressed.length));
  const etag = header(out, 'etag');
  if (etag?.value.startsWith('"')) out = withHeader(out, 'etag', `W/${etag.value}`);
  return { statusCode, headers: out, body: compressed };
}
