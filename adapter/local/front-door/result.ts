/**
 * A Lambda result (the JSON the function returned) → the HTTP response the client gets, as the
 * front ends read it: `statusCode`; `headers` and `multiValueHeaders` merged (a name in
 * `multiValueHeaders` takes its values from there); payload 2.0 `cookies[]` as one Set-Cookie
 * each; `body` as UTF-8 text, or its bytes when `isBase64Encoded`.
 */
import type { Gateway } from './gateways.ts';

export interface HttpReply {
  statusCode: number;
  /** The reason phrase, when the result names one (ALB and Lattice `statusDescription`). */
  statusMessage?: string;
  /** Lower-case names; a repeated header (Set-Cookie) keeps every value. */
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * Fields of the hop to the client that the front end frames itself, whatever the result says.
 * `content-length` stays in a buffered reply (the writer sets it from the body, except for HEAD,
 * where the app's value describes the body a GET would get); a stream has none.
 */
const FRAMING = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'trailer', 'proxy-connection']);

/**
 * Reads a result, or returns why the front end would refuse it (then the client gets the
 * source's function-error reply, as API Gateway answers a "malformed Lambda proxy response").
 */
export function readResult(payload: Buffer, gateway: Pick<Gateway, 'infersResult'>): HttpReply | { malformed: string } {
  let result: unknown;
  try {
    result = JSON.parse(payload.toString('utf8'));
  } catch {
    result = undefined;
  }
  const structured = typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result;
  if (!structured) {
    // Payload 2.0: "If your function returns valid JSON and doesn't return a statusCode, API
    // Gateway assumes 200 and treats the whole response as the body."
    if (gateway.infersResult && result !== undefined) {
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: payload };
    }
    return { malformed: `the result is not ${result === undefined ? 'JSON' : 'an object with a statusCode'}` };
  }
  const fields = result as Record<string, unknown>;
  const statusCode = Number(fields.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
    return { malformed: `statusCode ${JSON.stringify(fields.statusCode)} is not an HTTP status` };

  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(asObject(fields.headers))) {
    if (value !== null && value !== undefined) headers[name.toLowerCase()] = String(value);
  }
  for (const [name, values] of Object.entries(asObject(fields.multiValueHeaders))) {
    if (Array.isArray(values)) headers[name.toLowerCase()] = values.map(String);
  }
  if (Array.isArray(fields.cookies) && fields.cookies.length > 0) {
    headers['set-cookie'] = [...toArray(headers['set-cookie']), ...fields.cookies.map(String)];
  }
  for (const name of FRAMING) delete headers[name];

  const text = typeof fields.body === 'string' ? fields.body : '';
  const body = fields.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  const description = typeof fields.statusDescription === 'string' ? fields.statusDescription.replace(/^\d{3}\s*/, '') : undefined;
  return { statusCode, ...(description ? { statusMessage: description } : {}), headers, body };
}

/** Headers from a streamed response's prelude: `headers` plus every `cookies[]` entry. */
export function preludeHeaders(prelude: { headers?: unknown; cookies?: unknown }): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(asObject(prelude.headers))) {
    const lower = name.toLowerCase();
    if (FRAMING.has(lower) || value === null || value === undefined) continue;
    // A Function URL streams chunked and passes a prelude's length on renamed, never as the
    // framing (docs/streaming-on-lambda.md): the client sees no Content-Length.
    headers[lower === 'content-length' ? 'x-amzn-remapped-content-length' : lower] = String(value);
  }
  if (Array.isArray(prelude.cookies) && prelude.cookies.length > 0) headers['set-cookie'] = prelude.cookies.map(String);
  return headers;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function toArray(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
