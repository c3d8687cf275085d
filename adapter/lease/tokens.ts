/**
 * Random names. A scope token is the only thing standing between a lease URL and any other
 * process in the sandbox that can reach loopback, so it is unguessable (122 random bits).
 * randomUUID draws from a cached entropy pool: about 10x cheaper than randomBytes per call, and
 * a token is minted on every invocation. Lease ids only need to be unique within their scope
 * (the token already guards them), so they are short.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export function newScopeToken(): string {
  return randomUUID().replaceAll('-', '');
}

export function newLeaseId(): string {
  return randomBytes(9).toString('base64url');
}
