/**
 * An API Gateway REST API event (Lambda proxy integration on `/{proxy+}`, payload 1.0).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 *
 * `path` without the stage (`requestContext.path` has it); `headers` keep the client's spelling,
 * the last value per name, `multiValueHeaders` every value; both query maps hold DECODED values.
 * Bodies follow the HTTP API text-or-base64 rule, as for a REST API whose binary media types
 * cover every non-text type (without them, API Gateway would mangle binary bodies).
 */
import { eventBody } from './body.ts';
import { forwardedHeaders, grouped, headerValue, lastValues } from './headers.ts';
import { LOCAL_API_ID } from './http-api.ts';
import { decodePath, LOCAL_ACCOUNT_ID } from './payload-v2.ts';
import { decodedPairs, groupedOrNull, lastOrNull } from './query.ts';
import { requestTime } from './time.ts';
import type { EventBuilder } from './types.ts';

/** The stage the local REST API is deployed to; Ferry leaves it out of the path unless FERRY_INCLUDE_STAGE. */
export const LOCAL_STAGE = 'local';

export const restApiEvent: EventBuilder = (request, context) => {
  const pairs = forwardedHeaders(request, context);
  const query = decodedPairs(request.rawQuery);
  const body = eventBody(request.body, headerValue(request.headers, 'content-type'));
  const domainName = `${LOCAL_API_ID}.execute-api.${context.region}.amazonaws.com`;
  const resource = request.path === '/' ? '/' : '/{proxy+}';
  const userAgent = headerValue(request.headers, 'user-agent') ?? null;
  return {
    resource,
    path: request.path,
    httpMethod: request.method,
    headers: lastValues(pairs),
    multiValueHeaders: grouped(pairs),
    queryStringParameters: lastOrNull(query),
    multiValueQueryStringParameters: groupedOrNull(query),
    pathParameters: resource === '/' ? null : { proxy: decodePath(request.path).slice(1) },
    stageVariables: null,
    requestContext: {
      resourceId: 'ferry0',
      resourcePath: resource,
      httpMethod: request.method,
      extendedRequestId: context.requestId,
      requestTime: requestTime(context.timeEpoch),
      path: `/${LOCAL_STAGE}${request.path}`,
      accountId: LOCAL_ACCOUNT_ID,
      protocol: 'HTTP/1.1',
      stage: LOCAL_STAGE,
      domainPrefix: LOCAL_API_ID,
      requestTimeEpoch: context.timeEpoch,
      requestId: context.requestId,
      identity: { sourceIp: context.sourceIp, userAgent, accountId: null, caller: null, user: null, userArn: null, accessKey: null },
      domainName,
      apiId: LOCAL_API_ID,
    },
    body: body?.body ?? null,
    isBase64Encoded: body?.isBase64Encoded ?? false,
  };
};
