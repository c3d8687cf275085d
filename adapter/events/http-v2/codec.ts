/**
 * Payload format 2.0: API Gateway HTTP APIs and Lambda Function URLs share it.
 *
 * Event: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 *        https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 * Result: `statusCode`, `headers` (one string per name), `cookies[]`, `body`, `isBase64Encoded`.
 */
import { decodeBody, encodeBody } from '../shared/body.ts';
import { cookieHeader, joinCookieLines } from '../shared/cookies.ts';
import { field, missing, stringField } from '../shared/fields.ts';
import { addForwardedDefaults } from '../shared/forwarded.ts';
import { commaJoinedHeaders, requestHeaders } from '../shared/headers.ts';
import { queryFromDecoded } from '../shared/query.ts';
import { requestTarget } from '../shared/target.ts';
import type { AppRequest, AppResponse, EncodeOptions, EventCodec } from '../types.ts';

/** The result for payload format 2.0. */
export type PayloadV2Result = {
  statusCode: number;
  /** Repeated non-cookie headers comma-joined (field note: the Rust adapter kept only the first). */
  headers: Record<string, string>;
  /** One entry per Set-Cookie, never split on commas; absent when there are none. */
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
};

function toRequest(event: any): AppRequest {
  const context = event?.requestContext;
  const http = field(context, 'http');
  const method = stringField(http, 'method') ?? missing('requestContext.http.method');
  // rawPath: Function URLs keep it percent-encoded, HTTP APIs decode it; requestTarget copes
  // with both (see shared/target.ts). Never requestContext.http.path: it is decoded everywhere.
  const path = typeof event?.rawPath === 'string' ? event.rawPath : (stringField(http, 'path') ?? '/');
  // rawQueryString goes on verbatim; `queryStringParameters` comma-joins repeated keys and is
  // only a fallback for hand-written events without rawQueryString.
  const query = typeof event?.rawQueryString === 'string' ? event.rawQueryString : queryFromDecoded(event?.queryStringParameters);
  const headers = requestHeaders(undefined, event?.headers);
  // The client's Cookie header arrives split into cookies[]; rebuild exactly one header from it
  // (a `cookie` header the event may also carry holds the same cookies).
  const cookie = cookieHeader(event?.cookies);
  if (cookie !== undefined) headers.cookie = cookie;
  else joinCookieLines(headers);
  addForwardedDefaults(headers, { host: stringField(context, 'domainName'), sourceIp: stringField(http, 'sourceIp') });
  return { method, target: requestTarget(path, query), headers, body: decodeBody(event?.body, event?.isBase64Encoded) };
}

function toResult(response: AppResponse, _event: unknown, options: EncodeOptions): PayloadV2Result {
  const { headers, cookies } = commaJoinedHeaders(response.headers);
  return {
    statusCode: response.statusCode,
    headers,
    ...(cookies.length > 0 ? { cookies } : {}),
    ...encodeBody(response, options),
  };
}

/** API Gateway HTTP API, payload format 2.0. HTTP APIs cannot stream. */
export const httpApiV2Codec: EventCodec = { source: 'http-api-v2', canStream: false, toRequest, toResult };

/** Lambda Function URL (payload 2.0). Streams when the URL's InvokeMode is RESPONSE_STREAM. */
export const functionUrlCodec: EventCodec = { source: 'function-url', canStream: true, toRequest, toResult };

/** Function URLs are served from `<url-id>.lambda-url.<region>.on.aws`. */
const FUNCTION_URL_DOMAIN = /\.lambda-url\.[a-z0-9-]+\.on\.aws$/i;

/** True when a payload 2.0 event came through a Function URL rather than an HTTP API. */
export function isFunctionUrlEvent(event: unknown): boolean {
  const domainName = stringField(field(event, 'requestContext'), 'domainName');
  return domainName !== undefined && FUNCTION_URL_DOMAIN.test(domainName);
}
