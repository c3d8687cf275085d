/**
 * Lease events on `node:diagnostics_channel`, so tests and tracing can observe leases without
 * Ferry threading a logger through the lease server. Publishing costs nothing without subscribers.
 */
import diagnostics from 'node:diagnostics_channel';
import type { LeaseEnding } from './lease.ts';

/** Published when Ferry has registered a lease, before the begin is answered. */
export const LEASE_BEGIN_CHANNEL = 'ferry:lease:begin';
/** Published when a lease ends, whatever the reason. */
export const LEASE_END_CHANNEL = 'ferry:lease:end';

export interface LeaseBeginMessage {
  requestId: string;
  id: string;
  held: boolean;
}
export interface LeaseEndMessage {
  requestId: string;
  id: string;
  reason: LeaseEnding;
  ageMs: number;
}

const begin = diagnostics.channel(LEASE_BEGIN_CHANNEL);
const end = diagnostics.channel(LEASE_END_CHANNEL);

export function publishBegin(message: LeaseBeginMessage): void {
  if (begin.hasSubscribers) begin.publish(message);
}

export function publishEnd(message: LeaseEndMessage): void {
  if (end.hasSubscribers) end.publish(message);
}
