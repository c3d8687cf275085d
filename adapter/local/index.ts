/**
 * `ferry-lambda/local`: run an app behind the whole Lambda path on a laptop, for tests and local
 * development. Works in any test runner (nothing here imports one).
 *
 * @example
 * import { startLocal } from 'ferry-lambda/local';
 * const lambda = await startLocal({ command: ['node', 'server.js'], port: 0 });
 * await request(lambda.url).get('/hello').expect(200);
 * await lambda.close();
 */
export { startLocal, type LocalLambda, type LocalLog, type LocalOptions } from './start-local.ts';
export {
  startFrontDoor,
  EVENT_BUILDERS,
  EVENT_SOURCES,
  isEventSource,
  canonicalEventSource,
  LEGACY_EVENT_SOURCES,
  type LegacyEventSource,
  type FrontDoor,
  type FrontDoorOptions,
  type LocalEventSource,
} from './front-door/index.ts';
export { startEmulator, type Emulator, type InvokeOptions, type InvokeResult } from './emulator/index.ts';
