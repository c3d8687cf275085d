/**
 * Post-response work ("leases"): how an app keeps the sandbox running after its response.
 * The protocol is in PROTOCOL.md; the app-side helper is `adapter/wait-until`.
 */
export { startLeaseServer } from './server.ts';
export type { LeaseServer, SettleReport } from './types.ts';
export { LEASE_URL_HEADER, LEASE_ID_HEADER } from './headers.ts';
export { LEASE_BEGIN_CHANNEL, LEASE_END_CHANNEL, type LeaseBeginMessage, type LeaseEndMessage } from './channels.ts';
export type { LeaseEnding } from './lease.ts';
