/**
 * Client request → Lambda event, one pure builder per source, each building the event as that
 * AWS front end does (docs/lambda-protocol.md §5 and the samples in test/fixtures/events).
 * Ferry's codecs (adapter/events) read these events back into the original request.
 *
 * @example
 * const event = EVENT_BUILDERS['function-url'](
 *   { method: 'GET', path: '/hello', rawQuery: 'a=1', headers: [['Host', '127.0.0.1:3000']], body: null },
 *   { requestId, timeEpoch: Date.now(), sourceIp: '127.0.0.1', region: 'us-east-1', protocol: 'http', port: 3000 },
 * );
 */
import { albMultiValueEvent, albSingleValueEvent } from './alb.ts';
import { functionUrlEvent, LOCAL_URL_ID } from './function-url.ts';
import { httpApiEvent } from './http-api.ts';
import { latticeEvent } from './lattice.ts';
import { restApiEvent } from './rest-api.ts';
import type { EventBuilder, LegacyEventSource, LocalEventSource } from './types.ts';

export type { ClientRequest, EventBuilder, EventContext, LegacyEventSource, LocalEventSource } from './types.ts';
export { albMultiValueEvent, albSingleValueEvent, functionUrlEvent, httpApiEvent, latticeEvent, restApiEvent, LOCAL_URL_ID };

export const EVENT_BUILDERS: Readonly<Record<LocalEventSource, EventBuilder>> = Object.freeze({
  'function-url': functionUrlEvent,
  'http-api-v2': httpApiEvent,
  'rest-api-v1': restApiEvent,
  alb: albSingleValueEvent,
  'alb-multi': albMultiValueEvent,
  'lattice-v2': latticeEvent,
});

export const EVENT_SOURCES = Object.freeze(Object.keys(EVENT_BUILDERS) as LocalEventSource[]);

/** `--event http-api` and `event: 'http-api'` keep working: the old name → the codec's name. */
export const LEGACY_EVENT_SOURCES: Readonly<Record<LegacyEventSource, LocalEventSource>> = Object.freeze({
  'http-api': 'http-api-v2',
  'rest-api': 'rest-api-v1',
  lattice: 'lattice-v2',
});

/** A source's name or a legacy one. */
export function isEventSource(name: string): name is LocalEventSource | LegacyEventSource {
  return Object.hasOwn(EVENT_BUILDERS, name) || Object.hasOwn(LEGACY_EVENT_SOURCES, name);
}

/** The codec-named source for a name (a legacy name maps to its new one). */
export function canonicalEventSource(name: LocalEventSource | LegacyEventSource): LocalEventSource {
  return Object.hasOwn(LEGACY_EVENT_SOURCES, name) ? LEGACY_EVENT_SOURCES[name as LegacyEventSource] : (name as LocalEventSource);
}
