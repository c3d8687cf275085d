/**
 * Payload format 2.0, shared by Function URLs and HTTP APIs.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 *
 * `rawQueryString` verbatim; `headers` lower-case with repeats joined by `,`; the Cookie header
 * split into `cookies[]`; `queryStringParameters` decoded with repeats joined by `,`.
 */
import { eventBody } from './body.ts';
import { commaJoined, forwardedHeaders, headerValue, lowerCased } from './headers.ts';
import { decodedPairs } from './query.ts';
import { requestTime } from './time.ts';
import type { ClientRequest, EventContext } from './types.ts';

export const LOCAL_ACCOUNT_ID = '123456789012';

export interface PayloadV2Source {
  apiId: string;
  domainName: string;
  /** HTTP APIs decode the path they put in `rawPath`; Function URLs keep it as the client sent it. */
  decodesPath: boolean;
  /** Function URLs leave the `cookie` header in `headers` as well (see the aws-lambda-go sample). */
  keepsCookieHeader: boolean;
}

export function payloadV2Event(request: ClientRequest, context: EventContext, source: PayloadV2Source): Record<string, unknown> {
  const pairs = lowerCased(forwardedHeaders(request, context));
  const cookies = splitCookies(pairs.filter(([name]) => name === 'cookie').map(([, value]) => value));
  const headers = commaJoined(source.keepsCookieHeader ? pairs : pairs.filter(([name]) => name !== 'cookie'));
  const query = decodedPairs(request.rawQuery);
  const decodedPath = decodePath(request.path);
  const body = eventBody(request.body, headerValue(request.headers, 'content-type'));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: source.decodesPath ? decodedPath : request.path,
    rawQueryString: request.rawQuery,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(query.length > 0 ? { queryStringParameters: commaJoined(query) } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: source.apiId,
      domainName: source.domainName,
      domainPrefix: source.domainName.split('.')[0],
      http: {
        method: request.method,
        path: decodedPath,
        protocol: 'HTTP/1.1',
        sourceIp: context.sourceIp,
        userAgent: headerValue(request.headers, 'user-agent') ?? '',
      },
      requestId: context.requestId,
      routeKey: '$default',
      stage: '$default',
      time: requestTime(context.timeEpoch),
      timeEpoch: context.timeEpoch,
    },
    ...(body ?? {}),
    isBase64Encoded: body?.isBase64Encoded ?? false,
  };
}

/** `a=1; b=2` lines → `['a=1', 'b=2']`. */
function splitCookies(lines: string[]): string[] {
  return lines
    .flatMap((line) => line.split(';'))
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

/** A percent-decoded path; a malformed escape leaves the path as it is. */
export function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
