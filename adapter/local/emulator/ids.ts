import { randomBytes, randomUUID } from 'node:crypto';

export { randomUUID };

/**
 * An X-Ray trace header as Lambda passes it in `Lambda-Runtime-Trace-Id`:
 * `Root=1-<8 hex epoch seconds>-<24 hex>;Parent=<16 hex>;Sampled=0`.
 */
export function generateTraceId(nowMs = Date.now()): string {
  const epoch = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

/**
 * JSON for a header value. Header values must be Latin-1 without control characters, so
 * everything outside printable ASCII is escaped as `\uXXXX` (still the same JSON value).
 */
export function jsonHeader(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
