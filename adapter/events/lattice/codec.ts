/**
 * Amazon VPC Lattice, Lambda target group, event structure versions 1 and 2.
 * https://docs.aws.amazon.com/vpc-lattice/latest/ug/lambda-functions.html
 *
 * v2: `version: "2.0"`, `method`, `path`, `headers`, `queryStringParameters`, `body`,
 *     `isBase64Encoded`, `requestContext.serviceNetworkArn`/`serviceArn`.
 * v1: no `requestContext`, snake_case: `raw_path`, `method`, `query_string_parameters`,
 *     `is_base64_encoded`.
 * Header and query values may be strings or arrays of strings (published samples disagree).
 *
 * The path may already hold the raw query (`/a?b=1`): then it is the request target as sent and
 * the parameter map is not appended again. Otherwise the query is rebuilt from the parameter
 * map, whose values Ferry treats as decoded (like API Gateway's) and encodes once.
 *
 * Result (both versions): `statusCode`, `statusDescription`, `headers` (one string per name),
 * `body`, `isBase64Encoded`. As in ALB single-value mode, a response with several Set-Cookie
 * headers can carry only one: Ferry keeps the LAST.
 */
import { decodeBody, encodeBody } from '../shared/body.ts';
import { joinCookieLines } from '../shared/cookies.ts';
import { missing, stringField } from '../shared/fields.ts';
import { commaJoinedHeaders, requestHeaders } from '../shared/headers.ts';
import { queryFromDecoded } from '../shared/query.ts';
import { statusDescription } from '../shared/status.ts';
import { requestTarget, targetFromPathWithQuery } from '../shared/target.ts';
import type { AppRequest, AppResponse, EncodeOptions, EventCodec } from '../types.ts';

/** The VPC Lattice result (v1 and v2). */
export type LatticeResult = {
  statusCode: number;
  statusDescription: string;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
};

interface LatticeFields {
  path: unknown;
  query: unknown;
  body: unknown;
  isBase64Encoded: unknown;
}

function toRequest(event: any, fields: LatticeFields): AppRequest {
  const method = stringField(event, 'method') ?? missing('method');
  const path = typeof fields.path === 'string' ? fields.path : '/';
  const target = targetFromPathWithQuery(path) ?? requestTarget(path, queryFromDecoded(fields.query));
  const headers = requestHeaders(undefined, event?.headers);
  joinCookieLines(headers);
  return { method, target, headers, body: decodeBody(fields.body, fields.isBase64Encoded) };
}

function toResult(response: AppResponse, _event: unknown, options: EncodeOptions): LatticeResult {
  const { headers, cookies } = commaJoinedHeaders(response.headers);
  if (cookies.length > 0) headers['set-cookie'] = cookies[cookies.length - 1];
  return {
    statusCode: response.statusCode,
    statusDescription: statusDescription(response.statusCode),
    headers,
    ...encodeBody(response, options),
  };
}

/** Lattice has no multi-value mode: the fix is in the app. */
const oneCookieOnly = () =>
  'VPC Lattice carries one Set-Cookie per response: have the app set a single cookie (e.g. one session cookie holding the values), or put the function behind an ALB with multi-value headers or API Gateway';

/** VPC Lattice, event structure version 2. Lattice cannot stream; 6 MB each way. */
export const latticeV2Codec: EventCodec = {
  source: 'lattice-v2',
  canStream: false,
  toRequest: (event) =>
    toRequest(event, { path: event?.path, query: event?.queryStringParameters, body: event?.body, isBase64Encoded: event?.isBase64Encoded }),
  toResult,
  oneCookieOnly,
};

/** VPC Lattice, event structure version 1 (snake_case fields, no requestContext). */
export const latticeV1Codec: EventCodec = {
  source: 'lattice-v1',
  canStream: false,
  toRequest: (event) =>
    toRequest(event, { path: event?.raw_path, query: event?.query_string_parameters, body: event?.body, isBase64Encoded: event?.is_base64_encoded }),
  toResult,
  oneCookieOnly,
};
