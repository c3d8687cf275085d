/**
 * The Lambda side of Ferry's local world: an in-process emulator of the AWS Lambda Runtime API
 * and Extensions API, built to docs/lambda-protocol.md. Tests, `ferry local` and the
 * benchmarks run the real adapter process against it. Dev and test only: not in the layer bundle.
 */
export { startEmulator } from './server.ts';
export { BUFFERED_LIMIT_BYTES, STREAM_LIMIT_BYTES } from './options.ts';
export { createPreludeSplitter, parsePrelude, DELIMITER_LENGTH } from './stream-prelude.ts';
export type {
  Emulator,
  EmulatorEvent,
  EmulatorOptions,
  EmulatorSnapshot,
  ExtensionInfo,
  InvokeOptions,
  InvokeOutcome,
  InvokeResult,
  ResolvedEmulatorOptions,
  StreamPrelude,
} from './types.ts';
