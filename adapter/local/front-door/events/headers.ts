/**
 * Request headers as a front end hands them to Lambda. Every AWS front end terminates the client's
 * connection, so the hop-by-hop fields of that connection never reach the event; each one then
 * appends the client's address to `x-forwarded-for` and says how the client connected.
 */
import type { ClientRequest, EventContext } from './types.ts';

export type HeaderPairs = Array<[string, string]>;

/** Fields of the client's connection to the front end (RFC 9110 §7.6.1), not of the request. */
const CONNECTION_FIELDS: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * The client's headers as the front end forwards them: connection fields removed, the client's
 * address appended to `x-forwarded-for`, and (unless `withProtoAndPort` is false: VPC Lattice adds
 * only `x-forwarded-for`) `x-forwarded-proto`/`-port` replaced by how the client connected.
 * Names keep the client's spelling; REST APIs keep it, the other sources lower-case it.
 */
export function forwardedHeaders(request: ClientRequest, context: EventContext, withProtoAndPort = true): HeaderPairs {
  const replaced = new Set(['x-forwarded-for', ...(withProtoAndPort ? ['x-forwarded-proto', 'x-forwarded-port'] : [])]);
  const kept: HeaderPairs = [];
  const forwardedFor: string[] = [];
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    if (lower === 'x-forwarded-for') forwardedFor.push(value);
    if (!CONNECTION_FIELDS.has(lower) && !replaced.has(lower)) kept.push([name, value]);
  }
  kept.push(['x-forwarded-for', [...forwardedFor, context.sourceIp].join(', ')]);
  if (withProtoAndPort) kept.push(['x-forwarded-proto', context.protocol], ['x-forwarded-port', String(context.port)]);
  return kept;
}

export function lowerCased(pairs: HeaderPairs): HeaderPairs {
  return pairs.map(([name, value]) => [name.toLowerCase(), value]);
}

/** `name → every value`, in order (the `multiValueHeaders` shape). */
export function grouped(pairs: HeaderPairs): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of pairs) (out[name] ??= []).push(value);
  return out;
}

/** `name → the last value` (API Gateway 1.0 `headers`, ALB single-value mode). */
export function lastValues(pairs: HeaderPairs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) out[name] = value;
  return out;
}

/** `name → values joined with ","` (payload 2.0 joins repeats without a space). */
export function commaJoined(pairs: HeaderPairs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) out[name] = out[name] === undefined ? value : `${out[name]},${value}`;
  return out;
}

/** The header's value (repeats joined with `, `), looked up case-insensitively. */
export function headerValue(pairs: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const values = pairs.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(', ');
}
