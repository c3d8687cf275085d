/**
 * Which source sent an event: an ordered table, first match wins. Each rule says why it sits
 * where it does; each ambiguity it resolves has a named regression test in test/events/detect.test.ts.
 * See docs/lambda-protocol.md §5.
 */
import { albCodec } from './alb/index.ts';
import { functionUrlCodec, httpApiV2Codec, isFunctionUrlEvent } from './http-v2/index.ts';
import { latticeV1Codec, latticeV2Codec } from './lattice/index.ts';
import { httpApiV1Codec, isHttpApiPayloadV1, restApiV1Codec } from './rest-v1/index.ts';
import { field, isObject, type JsonObject } from './shared/fields.ts';
import type { EventCodec } from './types.ts';

/**
 * What `detectEvent` found: an HTTP event and its codec, an event for the pass-through path, or
 * API Gateway's "completion" invocation that follows a streamed response (acknowledged, never forwarded).
 */
export type Detection = { kind: 'http'; codec: EventCodec } | { kind: 'pass-through' } | { kind: 'stream-completion'; status: string };

export interface DetectionRule {
  readonly name: string;
  /** Why this test identifies the source, and why it sits at this place in the order. */
  readonly reason: string;
  readonly matches: (event: JsonObject, context: JsonObject | undefined) => boolean;
  /** The codec, or `null` for events that look like HTTP but are not (WebSocket). */
  readonly codec: (event: JsonObject) => EventCodec | null;
}

const has = (object: JsonObject | undefined, key: string): boolean => object !== undefined && object[key] !== undefined && object[key] !== null;

export const DETECTION_RULES: readonly DetectionRule[] = [
  {
    name: 'alb',
    reason:
      'Only ALB puts `requestContext.elb` (the target group ARN). First, because an ALB event also has ' +
      '`httpMethod` and `requestContext`, which would otherwise read as a payload 1.0 event.',
    matches: (_event, context) => isObject(context?.elb),
    codec: () => albCodec,
  },
  {
    name: 'lattice-v2',
    reason:
      'Only VPC Lattice puts `serviceNetworkArn`/`serviceArn` in `requestContext`. Before payload 2.0, ' +
      'because a Lattice v2 event also says `version: "2.0"`.',
    matches: (_event, context) => has(context, 'serviceNetworkArn') || has(context, 'serviceArn'),
    codec: () => latticeV2Codec,
  },
  {
    name: 'lattice-v1',
    reason:
      'Lattice v1 is the only HTTP event without `requestContext`; it has snake_case `raw_path` and `method`. ' +
      'Requiring both keeps arbitrary JSON with a `method` field on the pass-through path.',
    matches: (event, context) => context === undefined && typeof event.raw_path === 'string' && typeof event.method === 'string',
    codec: () => latticeV1Codec,
  },
  {
    name: 'websocket',
    reason:
      'API Gateway WebSocket events carry `requestContext.connectionId` and `eventType`, and some also ' +
      '`httpMethod` (the aws-lambda-go sample does), so this rule must run before payload 1.0. A WebSocket ' +
      'message is not an HTTP request: it takes the pass-through path.',
    matches: (_event, context) => has(context, 'connectionId') || has(context, 'eventType'),
    codec: () => null,
  },
  {
    name: 'payload-2.0',
    reason:
      'Payload 2.0 says `version: "2.0"` AND has `requestContext.http`; `rawPath` alone is not proof. ' +
      'A Function URL is a 2.0 event whose `requestContext.domainName` is `<id>.lambda-url.<region>.on.aws`; ' +
      'any other domain (execute-api or a custom domain) is an HTTP API.',
    matches: (event, context) => event.version === '2.0' && isObject(context?.http),
    codec: (event) => (isFunctionUrlEvent(event) ? functionUrlCodec : httpApiV2Codec),
  },
  {
    name: 'payload-1.0',
    reason:
      'Payload 1.0 has `httpMethod` and `requestContext`. REST APIs send no `version`; HTTP APIs set to ' +
      'payload 1.0 send `version: "1.0"` and cannot stream, so they get their own codec.',
    matches: (event, context) => typeof event.httpMethod === 'string' && context !== undefined,
    codec: (event) => (isHttpApiPayloadV1(event) ? httpApiV1Codec : restApiV1Codec),
  },
];

/**
 * Finds the codec for an HTTP event, or says the event is for the pass-through path (SQS, SNS,
 * S3, EventBridge, schedules, DynamoDB streams, WebSocket, arrays, strings, numbers, null…).
 * @example
 * const detected = detectEvent(JSON.parse(eventBytes));
 * if (detected.kind === 'http') request = detected.codec.toRequest(event, { includeStage: false });
 */
export function detectEvent(event: unknown): Detection {
  if (!isObject(event)) return { kind: 'pass-through' };
  const context = field(event, 'requestContext');
  const requestContext = isObject(context) ? context : undefined;
  for (const rule of DETECTION_RULES) {
    if (!rule.matches(event, requestContext)) continue;
    const codec = rule.codec(event);
    return codec === null ? { kind: 'pass-through' } : { kind: 'http', codec };
  }
  // API Gateway REST APIs in streaming mode are reported to send, after each streamed response,
  // `{"invokeCompletionStatus":"Success","requestId":"…"}` (or a failure status). AWS does not
  // document it; forwarded, it would reach the app's pass-through path and, on the usual 404,
  // raise an Error metric on every streamed response. Checked after every HTTP rule, so an HTTP
  // event that happens to carry the field is still an HTTP event.
  const completion = field(event, 'invokeCompletionStatus');
  if (typeof completion === 'string') return { kind: 'stream-completion', status: completion };
  return { kind: 'pass-through' };
}
