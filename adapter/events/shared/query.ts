/**
 * Query strings rebuilt from parameter maps, for the sources that do not send the raw query.
 *
 * Two kinds of map, never to be confused (docs/field-notes.md: "ALB query strings decoded twice or not
 * at all; query strings double-encoded"):
 * - DECODED values (API Gateway REST/HTTP payload 1.0, VPC Lattice): re-encode each key and value
 *   exactly once with {@link encodeQueryComponent}, so the app decodes back the very value the
 *   event held (`a+b` stays `a+b`: `+` is sent as `%2B`).
 * - ENCODED values (ALB: "the load balancer does not decode them"): join them verbatim; never
 *   decode, never encode again.
 */
import { isObject } from './fields.ts';
import { percentEncodeChar } from './target.ts';

/** Characters `encodeURIComponent` leaves alone: unreserved plus `!'()*`. */
const QUERY_SAFE = /[A-Za-z0-9\-_.!~*'()]/;

/**
 * Percent-encodes a decoded key or value like `encodeURIComponent`, but never throws: a lone
 * surrogate (possible in parsed JSON) is sent as U+FFFD instead of raising `URIError`.
 * @example encodeQueryComponent('a b&c=d+ü') // 'a%20b%26c%3Dd%2B%C3%BC'
 */
export function encodeQueryComponent(text: string): string {
  let out = '';
  for (const char of text) out += QUERY_SAFE.test(char) ? char : percentEncodeChar(char);
  return out;
}

/** Every value of a parameter: a string, an array of strings (repeated key), or nothing. */
function valuesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(String);
  if (value === null || value === undefined) return [];
  return [String(value)];
}

/**
 * Builds `k=v&k=w` from a map of DECODED values (strings or arrays of strings), re-encoding each
 * key and value once. Keys keep the map's order; a repeated key keeps every value in order.
 */
export function queryFromDecoded(params: unknown): string {
  if (!isObject(params)) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    const encodedKey = encodeQueryComponent(key);
    for (const v of valuesOf(value)) parts.push(`${encodedKey}=${encodeQueryComponent(v)}`);
  }
  return parts.join('&');
}

/**
 * Builds `k=v&k=w` from a map of still-ENCODED values (ALB), joining them verbatim: the app
 * decodes them once, as it would had it received the request directly.
 */
export function queryFromEncoded(params: unknown): string {
  if (!isObject(params)) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    for (const v of valuesOf(value)) parts.push(`${key}=${v}`);
  }
  return parts.join('&');
}

/**
 * The parameter map to build the query from: the multi-value map when it holds any key (it has
 * every value of a repeated key), else the single-value map (last value wins there).
 */
export function pickParams(multiValue: unknown, singleValue: unknown): unknown {
  return isObject(multiValue) && Object.keys(multiValue).length > 0 ? multiValue : singleValue;
}
