/**
 * Random names. A scope token is the only thing standing between a lease URL and any other
 * process in the sandbox that can reach loopback, so it is unguessable (128 random bits). Lease
 * ids only need to be unique within their scope (the token already guards them), so they are short.
 *
 * The bytes come from the kernel's CSPRNG (/dev/urandom: what getrandom(2), and so node:crypto's
 * OpenSSL, draws from), read 4 KiB at a time through node:fs, which Node has loaded anyway; a
 * token is minted on every invocation, and one read serves ~160 of them. Not node:crypto: loading
 * it cost ~4 ms of CPU in every Init (Node 22, fresh processes pinned to one core, median of 21:
 * `require('node:crypto')` + randomUUID() 4.3 ms, opening and reading /dev/urandom 0.17 ms), for
 * leases most functions never begin. Where /dev/urandom cannot be read (Windows, under `ferry
 * local`), node:crypto fills the pool instead.
 */
import { closeSync, openSync, readSync } from 'node:fs';

const POOL_BYTES = 4096;
const SCOPE_TOKEN_BYTES = 16;
const LEASE_ID_BYTES = 9;

/** Random bytes not yet handed out: pool[used..]. */
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let used = POOL_BYTES;

/** 32 hex digits. */
export function newScopeToken(): string {
  return draw(SCOPE_TOKEN_BYTES).toString('hex');
}

/** 12 base64url characters. */
export function newLeaseId(): string {
  return draw(LEASE_ID_BYTES).toString('base64url');
}

/** `count` fresh random bytes; a view into the pool, so read it before the next draw. */
function draw(count: number): Buffer {
  if (used + count > POOL_BYTES) {
    fillRandom(pool);
    used = 0;
  }
  used += count;
  return pool.subarray(used - count, used);
}

/** Fill `buffer` from /dev/urandom, else from node:crypto. Exported for its test. */
export function fillRandom(buffer: Buffer, source = '/dev/urandom'): void {
  try {
    const fd = openSync(source, 'r');
    try {
      for (let at = 0; at < buffer.length; ) {
        const read = readSync(fd, buffer, at, buffer.length - at, null);
        if (read <= 0) throw new Error(`${source} ended`);
        at += read;
      }
    } finally {
      closeSync(fd);
    }
  } catch {
    process.getBuiltinModule('node:crypto').randomFillSync(buffer);
  }
}
