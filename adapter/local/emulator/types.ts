/**
 * The emulator's public shapes. Everything here is exported through `./index.ts`.
 * Behaviour follows docs/lambda-protocol.md; where the real platform is uncertain
 * the choice is written next to the field.
 */
import type { EventEmitter } from 'node:events';

export interface EmulatorOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Port; default 0 (ephemeral). */
  port?: number;
  /** `AWS_LAMBDA_FUNCTION_NAME`; default `ferry-local`. */
  functionName?: string;
  /** `AWS_LAMBDA_FUNCTION_VERSION`; default `$LATEST`. */
  functionVersion?: string;
  /** Default `arn:aws:lambda:<region>:123456789012:function:<functionName>`. */
  functionArn?: string;
  /** `AWS_REGION`; default: the region in `functionArn`, else `us-east-1`. */
  region?: string;
  /** `_HANDLER`, also returned by `/extension/register`; default `ferry`. */
  handler?: string;
  /** `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`; default 1024. */
  memoryMb?: number;
  /** Per-invocation timeout; default 30000. */
  timeoutMs?: number;
  /** Freeze simulation (SIGSTOP/SIGCONT of `sandboxPids`); default false. Ignored on Managed Instances. */
  freeze?: boolean;
  /** Quiet time the freeze condition must hold before the sandbox is frozen; default 5 ms. */
  freezeSettleMs?: number;
  /** Lambda Managed Instances mode when set (integer >= 1): that many concurrent invocations, no freeze. */
  maxConcurrency?: number;
  /** Buffered response limit; default 6_291_556 (6 MiB + 100). */
  bufferedLimitBytes?: number;
  /** Streamed body limit (bytes after the prelude); default 200 MiB. */
  streamLimitBytes?: number;
}

export interface InvokeOptions {
  /** Default: a random uuid. Must be unique within one emulator. */
  requestId?: string;
  /** Overrides the emulator's `timeoutMs`. */
  timeoutMs?: number;
  /** `Lambda-Runtime-Trace-Id`; default a generated `Root=1-…;Parent=…;Sampled=0`. */
  traceId?: string;
  /** JSON → `Lambda-Runtime-Client-Context`. */
  clientContext?: unknown;
  /** JSON → `Lambda-Runtime-Cognito-Identity`. */
  cognitoIdentity?: unknown;
  /** `Lambda-Runtime-Aws-Tenant-Id`. */
  tenantId?: string;
  /** `Lambda-Runtime-Invocation-Id` nonce; default random; `null` = header absent (older platform). */
  invocationId?: string | null;
  /** Streaming: called as soon as the prelude and its 8 NUL bytes are parsed. */
  onPrelude?: (prelude: StreamPrelude) => void;
  /** Streaming: every body chunk after the prelude, as it arrives (`atMs` is `performance.now()`).
   *  Return a promise to stop reading the upload until it settles (a slow client). */
  onBodyChunk?: (chunk: Buffer, atMs: number) => void | Promise<void>;
  /** Streaming: only count and hash the body, keep no bytes (`payload` is then empty). For huge streams. */
  discardBody?: boolean;
  /** Advertise a deadline this much later than the real one (clock skew): makes a late answer certain in tests. */
  deadlineSkewMs?: number;
  /** Streaming: pause reading the upload this long after each chunk, like a slow client (tests back-pressure). */
  readDelayMs?: number;
}

export interface StreamPrelude {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
  [k: string]: unknown;
}

export type InvokeOutcome = 'response' | 'error' | 'timeout';

export interface InvokeResult {
  requestId: string;
  outcome: InvokeOutcome;
  streamed: boolean;
  /** buffered: the response bytes; error: the error document bytes; streamed: the body bytes after the prelude */
  payload: Buffer;
  /** `JSON.parse(payload)` */
  json(): any;
  /** From the `/error` header, the streaming error trailer, an init error, or `Function.ResponseSizeTooLarge`. */
  errorType?: string;
  /** Streamed responses with a valid prelude. */
  prelude?: StreamPrelude;
  /** Streamed responses: why there is no `prelude` (not JSON, no 8-NUL delimiter, …). */
  preludeError?: string;
  /** Lower-case names; the HTTP trailers of a streamed upload. */
  trailers: Record<string, string>;
  /** Decoded from the `Lambda-Runtime-Function-Error-*` trailers (body is base64 JSON; raw text if not). */
  streamError?: { errorType: string; body: any };
  /** Buffered response over the limit (the runtime got 413), or stream body over the limit. */
  tooLarge?: boolean;
  /**
   * Managed Instances: a response after the deadline got 410. Set on this (already resolved)
   * object when the late answer arrives; a `rejected` event is recorded at the same time.
   */
  lateResponseRejected?: boolean;
  /** Body bytes received (after the prelude when streamed), also those not kept. */
  bodyBytes: number;
  /** Hex SHA-256 of those bytes, computed incrementally. */
  sha256?: string;
  /** Headers of the runtime's `/response` or `/error` request, lower-case names. */
  uploadHeaders?: Record<string, string | string[] | undefined>;
  /** `performance.now()` milliseconds. */
  timings: {
    invokedAt: number;
    deliveredAt?: number;
    preludeAt?: number;
    firstByteAt?: number;
    lastByteAt?: number;
    completedAt: number;
  };
}

export interface EmulatorEvent {
  name: string;
  payload: any;
  /** `performance.now()` milliseconds. */
  at: number;
}

export interface ExtensionInfo {
  name: string;
  id: string;
  events: string[];
}

/** A point-in-time picture of the sandbox, for assertions and for debugging a stuck test. */
export interface EmulatorSnapshot {
  initDone: boolean;
  frozen: boolean;
  shuttingDown: boolean;
  /** Invoked, not yet delivered. */
  queued: string[];
  /** Delivered, no answer yet (Managed Instances: also timed-out ones the runtime still owes). */
  inFlight: string[];
  /** Pending `/runtime/invocation/next` calls. */
  runtimeWaiting: number;
  /** Streamed `/response` uploads still in progress. */
  activeUploads: number;
  extensions: Array<ExtensionInfo & { waiting: boolean; queuedEvents: number }>;
  /** Why nothing is being delivered right now, when something is queued. */
  blockedBy?: string;
}

export interface Emulator {
  /** `127.0.0.1:PORT`, the value for `AWS_LAMBDA_RUNTIME_API`. */
  readonly address: string;
  /** The resolved options (defaults filled in). */
  readonly options: Readonly<ResolvedEmulatorOptions>;
  /** Buffer/string sent verbatim, `undefined` as `{}`, anything else `JSON.stringify`'d. */
  invoke(event?: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  readonly events: EventEmitter;
  /**
   * Resolves with the payload of the first event named `name` (matching `predicate`) recorded at
   * history index `since` or later: events that already happened count (default `since` 0, the
   * whole history). Pass `since: emulator.mark()` taken before the action to wait only for new
   * ones. Rejects after `timeoutMs` (default 3000) with the recent history in the message.
   */
  waitFor<T = any>(name: string, predicate?: (payload: T) => boolean, timeoutMs?: number, since?: number): Promise<T>;
  /** The current history length: a `since` for `waitFor`. */
  mark(): number;
  /** Put an outside event (the sandbox launcher's spawns and exits, a test's own steps) on the same timeline. */
  record(name: string, payload?: unknown): void;
  readonly history: EmulatorEvent[];
  readonly initError?: { errorType?: string; body: any; extension?: string };
  readonly extensions: ReadonlyArray<ExtensionInfo>;
  /** Processes to SIGSTOP/SIGCONT for the freeze simulation. */
  readonly sandboxPids: Set<number>;
  snapshot(): EmulatorSnapshot;
  /** Deliver SHUTDOWN (deadlineMs = now + window, default 2000) to SHUTDOWN subscribers; thaws first. */
  shutdown(reason: 'spindown' | 'timeout' | 'failure', windowMs?: number): Promise<void>;
  /** Thaws, rejects unfinished invokes, closes every connection (pending long polls too) and the server. */
  close(): Promise<void>;
}

export interface ResolvedEmulatorOptions {
  host: string;
  port: number;
  functionName: string;
  functionVersion: string;
  functionArn: string;
  region: string;
  handler: string;
  memoryMb: number;
  timeoutMs: number;
  freeze: boolean;
  freezeSettleMs: number;
  maxConcurrency?: number;
  bufferedLimitBytes: number;
  streamLimitBytes: number;
}
