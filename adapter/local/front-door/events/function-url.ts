/**
 * A Lambda Function URL event (payload 2.0) for a client request.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 */
import { payloadV2Event } from './payload-v2.ts';
import type { EventBuilder } from './types.ts';

/** 32 characters, like a real URL id; the domain must match `*.lambda-url.<region>.on.aws` for Ferry to see a Function URL. */
export const LOCAL_URL_ID = 'ferrylocal0000000000000000000000';

export const functionUrlEvent: EventBuilder = (request, context) =>
  payloadV2Event(request, context, {
    apiId: LOCAL_URL_ID,
    domainName: `${LOCAL_URL_ID}.lambda-url.${context.region}.on.aws`,
    decodesPath: false,
    keepsCookieHeader: true,
  });
