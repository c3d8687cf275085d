/**
 * A VPC Lattice event, structure version 2.
 * https://docs.aws.amazon.com/vpc-lattice/latest/ug/lambda-functions.html
 *
 * Header and query values are arrays (the current published schema; older samples show strings,
 * and Ferry reads both); query values DECODED; only `x-forwarded-for` is added.
 */
import { eventBody } from './body.ts';
import { forwardedHeaders, grouped, headerValue, lowerCased } from './headers.ts';
import { LOCAL_ACCOUNT_ID } from './payload-v2.ts';
import { decodedPairs } from './query.ts';
import type { EventBuilder } from './types.ts';

export const latticeEvent: EventBuilder = (request, context) => {
  const pairs = lowerCased(forwardedHeaders(request, context, false));
  const query = decodedPairs(request.rawQuery);
  const body = eventBody(request.body, headerValue(request.headers, 'content-type'));
  const arn = (kind: string, id: string) => `arn:aws:vpc-lattice:${context.region}:${LOCAL_ACCOUNT_ID}:${kind}/${id}`;
  return {
    version: '2.0',
    path: request.path,
    method: request.method,
    headers: grouped(pairs),
    ...(query.length > 0 ? { queryStringParameters: grouped(query) } : {}),
    body: body?.body ?? '',
    isBase64Encoded: body?.isBase64Encoded ?? false,
    requestContext: {
      serviceNetworkArn: arn('servicenetwork', 'sn-0ferry0local0000'),
      serviceArn: arn('service', 'svc-0ferry0local0000'),
      targetGroupArn: arn('targetgroup', 'tg-0ferry0local0000'),
      identity: { type: 'NONE' },
      region: context.region,
      // Lattice writes microseconds, as a string.
      timeEpoch: `${context.timeEpoch}000`,
    },
  };
};
