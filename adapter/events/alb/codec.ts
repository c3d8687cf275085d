/**
 * Application Load Balancer, Lambda target group.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 *
 * A target group is in one of two modes, and the result must use the request's mode:
 * - multi-value (`multiValueHeaders`/`multiValueQueryStringParameters` in the event): every
 *   repeated header, cookie and query key is carried;
 * - single-value (`headers`/`queryStringParameters`): one value per name. ALB keeps the last
 *   one on requests, and Ferry does the same with Set-Cookie on responses (the only header that
 *   cannot be comma-joined): with several cookies only the LAST reaches the client. AWS's advice
 *   for several cookies is to enable multi-value headers on the target group.
 */
import { decodeBody, encodeBody } from '../shared/body.ts';
import { joinCookieLines } from '../shared/cookies.ts';
import { field, isObject, missing, stringField } from '../shared/fields.ts';
import { commaJoinedHeaders, requestHeaders, responseHeaderList } from '../shared/headers.ts';
import { pickParams, queryFromEncoded } from '../shared/query.ts';
import { statusDescription } from '../shared/status.ts';
import { requestTarget } from '../shared/target.ts';
import type { AppRequest, AppResponse, EncodeOptions, EventCodec } from '../types.ts';

/** The ALB result: `headers` in single-value mode, `multiValueHeaders` in multi-value mode. */
export type AlbResult = {
  statusCode: number;
  /** `"200 OK"`. */
  statusDescription: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
};

function toRequest(event: any): AppRequest {
  const method = stringField(event, 'httpMethod') ?? missing('httpMethod');
  const path = typeof event?.path === 'string' ? event.path : '/';
  // ALB does not decode query values: join them as they are (never decode, never re-encode).
  const query = queryFromEncoded(pickParams(event?.multiValueQueryStringParameters, event?.queryStringParameters));
  const headers = requestHeaders(event?.multiValueHeaders, event?.headers);
  joinCookieLines(headers);
  return { method, target: requestTarget(path, query), headers, body: decodeBody(event?.body, event?.isBase64Encoded) };
}

function toResult(response: AppResponse, event: unknown, options: EncodeOptions): AlbResult {
  const head = { statusCode: response.statusCode, statusDescription: statusDescription(response.statusCode) };
  if (isObject(field(event, 'multiValueHeaders'))) {
    return { ...head, multiValueHeaders: Object.fromEntries(responseHeaderList(response.headers)), ...encodeBody(response, options) };
  }
  const { headers, cookies } = commaJoinedHeaders(response.headers);
  if (cookies.length > 0) headers['set-cookie'] = cookies[cookies.length - 1];
  return { ...head, headers, ...encodeBody(response, options) };
}

function oneCookieOnly(event: unknown): string | undefined {
  if (isObject(field(event, 'multiValueHeaders'))) return undefined;
  return 'enable multi-value headers on the ALB target group (attribute lambda.multi_value_headers.enabled=true) so every Set-Cookie reaches the client';
}

/** ALB Lambda target. ALB cannot stream; 1 MB each way. */
export const albCodec: EventCodec = { source: 'alb', canStream: false, toRequest, toResult, oneCookieOnly };
