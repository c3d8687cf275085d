/**
 * The raw query string as each front end hands it on. Payload 2.0 keeps it verbatim in
 * `rawQueryString`; the parameter maps hold DECODED values (API Gateway, Lattice) or, for ALB,
 * the values exactly as the client encoded them ("the load balancer does not decode them").
 */

/** `a=1&b=%20&a=2` → `[['a','1'],['b','%20'],['a','2']]`: still encoded, empty parts skipped. */
export function queryPairs(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push(eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)]);
  }
  return pairs;
}

/**
 * One key or value decoded as a form field: `+` is a space, `%XX` its byte. A malformed escape
 * is left as it is rather than rejecting the whole request.
 */
export function decodeQueryComponent(text: string): string {
  const spaced = text.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

export function decodedPairs(rawQuery: string): Array<[string, string]> {
  return queryPairs(rawQuery).map(([key, value]) => [decodeQueryComponent(key), decodeQueryComponent(value)]);
}

/** `key → every value` in order, or `null` when there are none (API Gateway 1.0 sends `null`). */
export function groupedOrNull(pairs: Array<[string, string]>): Record<string, string[]> | null {
  if (pairs.length === 0) return null;
  const out: Record<string, string[]> = {};
  for (const [key, value] of pairs) (out[key] ??= []).push(value);
  return out;
}

/** `key → the last value`, or `null` when there are none. */
export function lastOrNull(pairs: Array<[string, string]>): Record<string, string> | null {
  if (pairs.length === 0) return null;
  const out: Record<string, string> = {};
  for (const [key, value] of pairs) out[key] = value;
  return out;
}
