/**
 * The local front door: client HTTP request → the event an AWS front end would build → the
 * Lambda emulator → the HTTP response the client would get. Dev and test only.
 */
export { startFrontDoor, type FrontDoor, type FrontDoorOptions } from './server.ts';
export type { Invoke } from './exchange.ts';
export { GATEWAYS, INVOKE_PAYLOAD_LIMIT_BYTES, type Gateway, type GatewayReply } from './gateways.ts';
export { readResult, type HttpReply } from './result.ts';
export {
  EVENT_BUILDERS,
  EVENT_SOURCES,
  LEGACY_EVENT_SOURCES,
  canonicalEventSource,
  isEventSource,
  type ClientRequest,
  type LegacyEventSource,
  type EventBuilder,
  type EventContext,
  type LocalEventSource,
} from './events/index.ts';
