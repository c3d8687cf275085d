/**
 * The shapes every event builder shares: what a client sent to the front end, and the facts
 * about the front end itself that end up in the event (ids, time, the client's address).
 */

/**
 * The event sources the local front door can play, by the names of the codecs that read their
 * events (`source` in adapter/events). `alb-multi` is the `alb` codec's multi-value mode (the
 * target group setting), which the front door plays as a source of its own.
 */
export type LocalEventSource = 'function-url' | 'http-api-v2' | 'rest-api-v1' | 'alb' | 'alb-multi' | 'lattice-v2';

/** The names the front door used before it took the codecs' names; still accepted everywhere. */
export type LegacyEventSource = 'http-api' | 'rest-api' | 'lattice';

/** An HTTP request as the client put it on the wire, before any front end touched it. */
export interface ClientRequest {
  method: string;
  /** The path as on the request line: percent-encoded, never decoded. */
  path: string;
  /** The query as on the request line, without the `?`; `''` when there is none. */
  rawQuery: string;
  /** Every header field in the order received, names as the client spelled them, repeats kept. */
  headers: ReadonlyArray<readonly [string, string]>;
  /** The body bytes; `null` when the request has none. */
  body: Buffer | null;
}

/** Facts about the front end and this one request that the event carries. */
export interface EventContext {
  /** The front end's request id (`requestContext.requestId`). */
  requestId: string;
  /** When the front end received the request, Unix epoch milliseconds. */
  timeEpoch: number;
  /** The client's IP address. */
  sourceIp: string;
  /** The AWS region in ARNs and domain names. */
  region: string;
  /** How the client reached the front end: `x-forwarded-proto` and `x-forwarded-port`. */
  protocol: 'http' | 'https';
  port: number;
}

/** Builds the event a source would send to Lambda for `request`. Pure: same input, same event. */
export type EventBuilder = (request: ClientRequest, context: EventContext) => Record<string, unknown>;
