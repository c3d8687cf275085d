/**
 * API Gateway payload format 1.0: REST APIs (Lambda proxy integration) and HTTP APIs whose
 * integration uses payload format 1.0. One shape, two codecs: REST APIs can stream responses
 * (transfer mode STREAM), HTTP APIs cannot.
 *
 * Event: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 * Result: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format
 */
import { decodeBody, encodeBody } from '../shared/body.ts';
import { joinCookieLines } from '../shared/cookies.ts';
import { field, isObject, missing, stringField } from '../shared/fields.ts';
import { addForwardedDefaults } from '../shared/forwarded.ts';
import { emptyHeaderMap, requestHeaders, responseHeaderList } from '../shared/headers.ts';
import { pickParams, queryFromDecoded } from '../shared/query.ts';
import { requestTarget } from '../shared/target.ts';
import type { AppRequest, AppResponse, DecodeOptions, EncodeOptions, EventCodec } from '../types.ts';

/** The result API Gateway expects for payload format 1.0. */
export type PayloadV1Result = {
  statusCode: number;
  /** Headers with exactly one value. */
  headers: Record<string, string>;
  /** Every repeated header and every Set-Cookie (field note: only the first cookie survived). */
  multiValueHeaders: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
};

function toRequest(event: any, options: DecodeOptions, stageInPath: boolean): AppRequest {
  const context = event?.requestContext;
  const method = stringField(event, 'httpMethod') ?? stringField(context, 'httpMethod') ?? missing('httpMethod');
  let path = typeof event?.path === 'string' ? event.path : '/';
  // REST's `path` has no stage (`requestContext.path` has it); apps that route on `/prod/...`
  // opt in with includeStage. `$default` is never a path segment.
  const stage = stringField(context, 'stage');
  if (stageInPath && options.includeStage && stage !== undefined && stage !== '$default') {
    path = `/${stage}${path.startsWith('/') ? '' : '/'}${path}`;
  }
  // Values arrive percent-DECODED; `multiValueQueryStringParameters` holds every repeated key.
  const query = queryFromDecoded(pickParams(event?.multiValueQueryStringParameters, event?.queryStringParameters));
  const headers = requestHeaders(event?.multiValueHeaders, event?.headers);
  joinCookieLines(headers);
  addForwardedDefaults(headers, { host: stringField(context, 'domainName'), sourceIp: stringField(field(context, 'identity'), 'sourceIp') });
  return { method, target: requestTarget(path, query), headers, body: decodeBody(event?.body, event?.isBase64Encoded) };
}

function toResult(response: AppResponse, _event: unknown, options: EncodeOptions): PayloadV1Result {
  // The app names these headers: no prototype, so `__proto__` stays a header (see emptyHeaderMap).
  const headers = emptyHeaderMap() as Record<string, string>;
  const multiValueHeaders = emptyHeaderMap() as Record<string, string[]>;
  for (const [name, values] of responseHeaderList(response.headers)) {
    // API Gateway merges both maps; a name in `multiValueHeaders` keeps all its values there.
    if (name === 'set-cookie' || values.length > 1) multiValueHeaders[name] = values;
    else headers[name] = values[0];
  }
  return { statusCode: response.statusCode, headers, multiValueHeaders, ...encodeBody(response, options) };
}

/** API Gateway REST API, Lambda proxy integration. Can stream (response transfer mode STREAM). */
export const restApiV1Codec: EventCodec = {
  source: 'rest-api-v1',
  canStream: true,
  toRequest: (event, options) => toRequest(event, options, true),
  toResult,
};

/**
 * HTTP API with payload format 1.0 (the event carries `version: "1.0"`). Same shape as REST, but
 * HTTP APIs cannot stream, and `path` already holds a named stage, so `includeStage` is ignored.
 */
export const httpApiV1Codec: EventCodec = {
  source: 'http-api-v1',
  canStream: false,
  toRequest: (event, options) => toRequest(event, options, false),
  toResult,
};

/** True for the `version: "1.0"` that only HTTP APIs put on payload 1.0 events. */
export function isHttpApiPayloadV1(event: unknown): boolean {
  return isObject(event) && event.version === '1.0';
}
