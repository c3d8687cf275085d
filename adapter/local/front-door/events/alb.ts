/**
 * Application Load Balancer events, for a target group in single-value (`alb`) or multi-value
 * (`alb-multi`) mode.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 *
 * Names lower-case; query keys and values exactly as the client encoded them (ALB does not
 * decode them); single-value mode keeps the LAST value of a repeated header or query key.
 * `body` is `""` when the request has none.
 */
import { eventBody } from './body.ts';
import { forwardedHeaders, grouped, headerValue, lastValues, lowerCased } from './headers.ts';
import { LOCAL_ACCOUNT_ID } from './payload-v2.ts';
import { queryPairs } from './query.ts';
import type { ClientRequest, EventBuilder, EventContext } from './types.ts';

function albEvent(request: ClientRequest, context: EventContext, multiValue: boolean): Record<string, unknown> {
  const pairs = lowerCased(forwardedHeaders(request, context));
  const query = queryPairs(request.rawQuery);
  const body = eventBody(request.body, headerValue(request.headers, 'content-type'));
  return {
    requestContext: {
      elb: { targetGroupArn: `arn:aws:elasticloadbalancing:${context.region}:${LOCAL_ACCOUNT_ID}:targetgroup/ferry-local/0123456789abcdef` },
    },
    httpMethod: request.method,
    path: request.path,
    ...(multiValue
      ? { multiValueQueryStringParameters: grouped(query), multiValueHeaders: grouped(pairs) }
      : { queryStringParameters: lastValues(query), headers: lastValues(pairs) }),
    body: body?.body ?? '',
    isBase64Encoded: body?.isBase64Encoded ?? false,
  };
}

/** Single-value mode (the default for a new target group). */
export const albSingleValueEvent: EventBuilder = (request, context) => albEvent(request, context, false);
/** Multi-value headers enabled on the target group. */
export const albMultiValueEvent: EventBuilder = (request, context) => albEvent(request, context, true);
