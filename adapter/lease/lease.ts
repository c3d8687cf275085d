/**
 * One lease: a promise by the app that it is still working after its response. A held lease owns
 * the open response of its begin request; a detached one owns nothing and lives until it is ended.
 */
import type { ServerResponse } from 'node:http';
// uptimeMs, not performance.now(): node:perf_hooks costs ~1.5-2.5 ms of CPU to load (Node 22, one
// core, 5 runs), in every Init, for leases that most functions never begin.
import { uptimeMs } from '../uptime.ts';

/**
 * Why a lease ended. `ended`: the app said so (DELETE). `dropped`: the held connection closed
 * (the app finished by hanging up, or crashed). `cut-off`: Ferry stopped waiting at the deadline.
 */
export type LeaseEnding = 'ended' | 'dropped' | 'cut-off';

export interface Lease {
  readonly id: string;
  readonly held: boolean;
  /** Milliseconds since the lease began (monotonic clock). */
  age(): number;
  /** Idempotent; tells the holder why its lease ended when it can still hear it. */
  finish(reason: LeaseEnding): void;
}

export function createLease(id: string, holder: ServerResponse | undefined): Lease {
  const began = uptimeMs();
  let finished = false;
  return {
    id,
    held: holder !== undefined,
    age: () => Math.round(uptimeMs() - began),
    finish(reason) {
      if (finished) return;
      finished = true;
      if (holder === undefined || reason === 'dropped') return;
      // The body line is the holder's only way to learn it was cut off rather than ended.
      try {
        holder.end(`${reason}\n`);
      } catch {
        holder.destroy();
      }
    },
  };
}
