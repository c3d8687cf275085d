/**
 * The invocation loops: one by default, N under Lambda Managed Instances
 * (AWS_LAMBDA_MAX_CONCURRENCY), each holding its own `/next`. Loops share nothing but the
 * connection pools; everything about an invocation lives in that loop's stack.
 */
import { ERRORS, describeError, errorDocument } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Invocation } from './invocation.ts';
import type { RuntimeApi } from './runtime-api.ts';

export interface LoopOptions {
  concurrency: number;
  runtime: RuntimeApi;
  log: Logger;
  /** Answers one invocation. May throw only for faults that must end the process. */
  handle: (invocation: Invocation) => Promise<void>;
  /** Runs after the result was posted and before the loop asks for more work (post-response leases, health checks). */
  afterResult?: (invocation: Invocation) => Promise<void>;
  /** Whether a thrown error means the process must exit. */
  isFatal: (error: unknown) => boolean;
}

/** Runs until a fatal error, which it rejects with. */
export function runLoops(options: LoopOptions): Promise<never> {
  const loops = Array.from({ length: options.concurrency }, () => loop(options));
  return Promise.race(loops);
}

async function loop({ runtime, log, handle, afterResult, isFatal }: LoopOptions): Promise<never> {
  while (true) {
    const invocation = await runtime.next();
    try {
      await handle(invocation);
    } catch (error) {
      if (isFatal(error)) throw error;
      // A bug in Ferry must cost one invocation, never the sandbox.
      log.error('internal error while handling an invocation', { request_id: invocation.requestId, reason: describeError(error) });
      const doc = errorDocument('FERRY_INTERNAL', `Ferry failed to handle this invocation: ${describeError(error)}`);
      await runtime.postError(invocation, ERRORS.FERRY_INTERNAL.errorType, doc).catch((postError) => {
        if (isFatal(postError)) throw postError;
      });
    }
    await afterResult?.(invocation);
  }
}
