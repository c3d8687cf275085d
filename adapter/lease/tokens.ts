/**
 * Random names. A scope token is the only thing standing between a lease URL and any other
 * process in the sandbox that can reach loopback, so it is long and unguessable (144 bits).
 * Lease ids only need to be unique within their scope: the token already guards them.
 */
import { randomBytes } from 'node:crypto';

export function newScopeToken(): string {
  return randomBytes(18).toString('base64url');
}

export function newLeaseId(): string {
  return randomBytes(9).toString('base64url');
}
