/**
 * The leases of one invocation. Scopes never share state: under Lambda Managed Instances several
 * invocations run at once, and a lease begun for one of them must not hold back another.
 */
import type { ServerResponse } from 'node:http';
import { publishBegin, publishEnd } from './channels.ts';
import { createLease, type Lease, type LeaseEnding } from './lease.ts';
import { newLeaseId } from './tokens.ts';

export interface Scope {
  readonly requestId: string;
  readonly token: string;
  /** Leases begun so far, ended or not. */
  readonly begun: number;
  /** Leases not yet ended. */
  readonly open: number;
  readonly closed: boolean;
  /** Leases this scope cut off when it closed. */
  readonly cutOff: ReadonlyArray<{ id: string; ageMs: number }>;
  /** Register a lease; a held one is tied to `holder`, the begin request's open response. */
  begin(holder: ServerResponse | undefined): Lease;
  /** False when no open lease has this id. */
  end(id: string, reason: LeaseEnding): boolean;
  /** Resolves when no lease is open (at once if none is). */
  idle(): Promise<void>;
  /** Cut off the open leases and refuse new ones. Idempotent. */
  close(): void;
}

export function createScope(requestId: string, token: string, onClose: (scope: Scope) => void): Scope {
  const leases = new Map<string, Lease>();
  const cutOff: Array<{ id: string; ageMs: number }> = [];
  let waiters: Array<() => void> = [];
  let begun = 0;
  let closed = false;

  const wakeIfIdle = () => {
    if (leases.size > 0 || waiters.length === 0) return;
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };

  const scope: Scope = {
    requestId,
    token,
    get begun() {
      return begun;
    },
    get open() {
      return leases.size;
    },
    get closed() {
      return closed;
    },
    cutOff,
    begin(holder) {
      let id = newLeaseId();
      while (leases.has(id)) id = newLeaseId();
      const lease = createLease(id, holder);
      leases.set(id, lease);
      begun++;
      publishBegin({ requestId, id, held: lease.held });
      return lease;
    },
    end(id, reason) {
      const lease = leases.get(id);
      if (lease === undefined) return false;
      leases.delete(id);
      const ageMs = lease.age();
      if (reason === 'cut-off') cutOff.push({ id, ageMs });
      lease.finish(reason);
      publishEnd({ requestId, id, reason, ageMs });
      wakeIfIdle();
      return true;
    },
    idle() {
      if (leases.size === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    close() {
      if (closed) return;
      closed = true;
      for (const id of [...leases.keys()]) scope.end(id, 'cut-off');
      onClose(scope);
    },
  };
  return scope;
}
