/**
 * Header maps in both directions.
 *
 * Request side: events carry headers as `headers` (one value per name: the last one for REST and
 * ALB, comma-joined for payload 2.0) and/or `multiValueHeaders` (every value). Ferry prefers the
 * multi-value map, lower-cases names, merges case variants (`Accept` + `accept`) and keeps every
 * value in the order the client sent it (field note: an adapter reversed ALB header order).
 *
 * Response side: the app's headers become one `name → values[]` list with hop-by-hop fields
 * removed, from which each codec builds its own result shape.
 */
import type { HeaderMap } from '../types.ts';
import { isObject } from './fields.ts';

/**
 * Request headers `toRequest` removes: the framing and connection management of the hop between
 * the client and the front end. The core's HTTP client frames the forwarded body itself and sets
 * `content-length` from `AppRequest.body`; forwarding these would contradict it (undici rejects
 * `transfer-encoding`, `connection`, `keep-alive`, `upgrade` and `expect` outright).
 */
export const REQUEST_HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'content-length',
  'expect',
  'http2-settings',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Response headers no codec puts in a Lambda result: they describe the connection between Ferry
 * and the app (the body is already buffered), not the response the client gets. `content-length`
 * is kept: it is right for the buffered body (compression fixes it) and for HEAD responses.
 */
export const RESPONSE_HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * A header map for names that come from outside (a client, the app): no prototype, so names
 * such as `constructor` or `__proto__` are plain headers, never Object.prototype's members.
 */
export function emptyHeaderMap(): HeaderMap {
  return Object.create(null) as HeaderMap;
}

/** Appends one value, turning a single value into an array on the second one. */
export function appendHeader(headers: HeaderMap, name: string, value: string): void {
  const existing = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (existing === undefined) headers[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else headers[name] = [existing, value];
}

/** Every value of a header, in order (`[]` when absent). */
export function headerValues(headers: HeaderMap, name: string): string[] {
  const value = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The values a JSON header field holds: a string, an array (Lattice, multi-value maps), a number. */
function jsonValues(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(String);
  return [String(value)];
}

/** Copies a JSON header bag into `into`, lower-casing names and keeping every value in order. */
function readBag(bag: unknown, into: HeaderMap, skip?: ReadonlySet<string>): void {
  if (!isObject(bag)) return;
  for (const [rawName, rawValue] of Object.entries(bag)) {
    const name = rawName.toLowerCase();
    if (name === '' || skip?.has(name)) continue;
    for (const value of jsonValues(rawValue)) appendHeader(into, name, value);
  }
}

/**
 * The request headers of an event: `multiValueHeaders` when it is present (it holds every value),
 * plus any name found only in `headers`; else `headers`. Names lower-case, values in order,
 * hop-by-hop headers removed (see {@link REQUEST_HOP_BY_HOP}).
 */
export function requestHeaders(multiValueHeaders: unknown, headers: unknown): HeaderMap {
  const out = emptyHeaderMap();
  if (isObject(multiValueHeaders)) {
    readBag(multiValueHeaders, out);
    readBag(headers, out, new Set(Object.keys(out)));
  } else {
    readBag(headers, out);
  }
  for (const name of REQUEST_HOP_BY_HOP) delete out[name];
  return out;
}

/**
 * The app's headers as `[name, values]` pairs: names lower-cased and case variants merged,
 * hop-by-hop fields and empty values dropped. Order follows the app's.
 */
export function responseHeaderList(headers: HeaderMap): Array<[string, string[]]> {
  const merged = new Map<string, string[]>();
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (RESPONSE_HOP_BY_HOP.has(name) || value === undefined) continue;
    const values = (Array.isArray(value) ? value : [value]).map(String);
    if (values.length === 0) continue;
    const existing = merged.get(name);
    if (existing) existing.push(...values);
    else merged.set(name, values);
  }
  return [...merged];
}

/**
 * One string per header for results that cannot repeat a name (payload 2.0, ALB single-value
 * mode, Lattice): repeated values comma-joined as RFC 9110 §5.3 allows. `set-cookie` is returned
 * apart, never joined (see cookies.ts). Field note: the Rust adapter kept only the first value.
 * The core can use this for the streaming prelude too.
 */
export function commaJoinedHeaders(headers: HeaderMap): { headers: Record<string, string>; cookies: string[] } {
  const single = emptyHeaderMap() as Record<string, string>;
  let cookies: string[] = [];
  for (const [name, values] of responseHeaderList(headers)) {
    if (name === 'set-cookie') cookies = values;
    else single[name] = values.join(', ');
  }
  return { headers: single, cookies };
}

/** A header of the app's response, looked up case-insensitively; repeated values comma-joined. */
export function responseHeader(headers: HeaderMap, name: string): string | undefined {
  for (const [rawName, value] of Object.entries(headers)) {
    if (rawName.toLowerCase() !== name || value === undefined) continue;
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}
