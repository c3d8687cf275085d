/**
 * An API Gateway HTTP API event (payload 2.0, `$default` route and stage) for a client request.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import { payloadV2Event } from './payload-v2.ts';
import type { EventBuilder } from './types.ts';

export const LOCAL_API_ID = 'ferrylocal';

export const httpApiEvent: EventBuilder = (request, context) =>
  payloadV2Event(request, context, {
    apiId: LOCAL_API_ID,
    domainName: `${LOCAL_API_ID}.execute-api.${context.region}.amazonaws.com`,
    decodesPath: true,
    keepsCookieHeader: false,
  });
