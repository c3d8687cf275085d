import { performance } from 'node:perf_hooks';
import { generateTraceId, randomUUID } from './ids.ts';
import type { InvokeOptions, InvokeOutcome, InvokeResult } from './types.ts';

/**
 * queued → delivered → settled. `settled` means the invoker has its answer; on Managed
 * Instances a timed-out invocation is settled but still `owed` by the runtime until it answers.
 */
export type InvocationState = 'queued' | 'delivered' | 'settled';

/** One `invoke()` call: what the runtime gets, and the result being built for the invoker. */
export class Invocation {
  readonly requestId: string;
  readonly timeoutMs: number;
  readonly traceId: string;
  readonly invocationId: string | null;
  readonly options: InvokeOptions;
  /** The event bytes; dropped once delivered. */
  event: Buffer | null;
  state: InvocationState = 'queued';
  /** Epoch ms, set at delivery. */
  deadlineMs = 0;
  /** A `/response` or `/error` for this id has started: a second one is a 403. */
  answered = false;
  /** The deadline passed before an answer. */
  timedOut = false;
  /** Managed Instances: timed out, the runtime still works on it and will answer late. */
  owed = false;
  timer: NodeJS.Timeout | undefined;
  readonly promise: Promise<InvokeResult>;
  #result: InvokeResult | null;
  #resolve!: (result: InvokeResult) => void;
  #reject!: (error: Error) => void;

  constructor(event: Buffer, options: InvokeOptions, defaultTimeoutMs: number) {
    this.options = options;
    this.event = event;
    this.requestId = options.requestId ?? randomUUID();
    this.timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.traceId = options.traceId ?? generateTraceId();
    this.invocationId = options.invocationId === undefined ? randomUUID() : options.invocationId;
    this.#result = {
      requestId: this.requestId,
      outcome: 'timeout',
      streamed: false,
      payload: Buffer.alloc(0),
      json() {
        return JSON.parse(this.payload.toString('utf8'));
      },
      trailers: {},
      bodyBytes: 0,
      timings: { invokedAt: performance.now(), completedAt: 0 },
    };
    this.promise = new Promise<InvokeResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // close() rejects unfinished invokes; a test that never awaited one must not get an
    // unhandled rejection for it. Whoever awaits `promise` still sees the rejection.
    this.promise.catch(() => {});
  }

  get settled(): boolean {
    return this.state === 'settled';
  }

  /**
   * The result being built. Released once the invoker has it and nothing can change it any
   * more, so a long benchmark does not keep every payload alive through the id map.
   */
  get result(): InvokeResult {
    if (!this.#result) throw new Error(`internal: result of ${this.requestId} used after release`);
    return this.#result;
  }

  /** Drop the result reference (see `result`). */
  release(): void {
    this.#result = null;
  }

  /** Give the invoker its answer (once). Later fields can still be set on `result` (lateResponseRejected). */
  settle(outcome: InvokeOutcome, fields: Partial<InvokeResult> = {}): void {
    if (this.state === 'settled') return;
    this.state = 'settled';
    this.event = null;
    const result = this.result;
    Object.assign(result, fields, { outcome });
    result.timings.completedAt = performance.now();
    this.#resolve(result);
    // Managed Instances: a late answer still marks `lateResponseRejected` on it.
    if (!this.owed) this.release();
  }

  /** The emulator went away before an answer. */
  abandon(reason: string): void {
    if (this.state === 'settled') return;
    this.state = 'settled';
    this.event = null;
    this.#result = null;
    this.#reject(new Error(`invocation ${this.requestId} did not complete: ${reason}`));
  }
}
