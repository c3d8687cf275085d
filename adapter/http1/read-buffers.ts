/**
 * The 1 MiB buffers sockets read into (connection.ts, `onread`).
 *
 * One shared buffer serves every connection whose body bytes are copied out as they are parsed
 * (small answers, the Runtime API's). A body that is relayed (a streamed response) is lent out
 * instead: its pieces are views of a buffer its connection owns, that buffer is not read into
 * again until every view of it has been given back (the upload wrote it), and the connection
 * reads into another meanwhile. Given-back buffers are kept for the next loan, so relaying
 * 190 MiB allocates a few MiB, once, instead of 1 MiB per read that the GC must find
 * (inline mode's RSS grew by about 50 MiB while streaming with copies).
 */
export const READ_BYTES = 1024 * 1024;
/** Buffers kept for reuse: a relay holds at most about three (one read, the body's and the upload's 1 MiB). */
const KEPT = 4;

interface Loan {
  /** Views of the buffer not yet given back. */
  views: number;
  /** Whether a socket reads into it. */
  reading: boolean;
}

let shared: Buffer | undefined;
const loans = new WeakMap<ArrayBufferLike, Loan>();
const kept: Buffer[] = [];

/** The buffer of reads whose bytes are copied out before the next read of any socket. */
export function sharedReadBuffer(): Buffer {
  return (shared ??= Buffer.allocUnsafe(READ_BYTES));
}

/** A buffer for one socket's reads, with no view of it out. */
export function ownReadBuffer(): Buffer {
  const buffer = kept.pop() ?? Buffer.allocUnsafeSlow(READ_BYTES);
  loans.set(buffer.buffer, { views: 0, reading: true });
  return buffer;
}

/** Whether `buffer` (from ownReadBuffer) has views out, so nothing may be read into it. */
export function isLent(buffer: Buffer): boolean {
  return (loans.get(buffer.buffer)?.views ?? 0) > 0;
}

/** `view` (of a buffer from ownReadBuffer) goes to a consumer, who gives it back. */
export function lend(view: Buffer): void {
  loans.get(view.buffer)!.views++;
}

/** The socket stops reading into `buffer`; it is kept for reuse once its views are back. */
export function stopReading(buffer: Buffer): void {
  const loan = loans.get(buffer.buffer);
  if (loan === undefined) return;
  loan.reading = false;
  if (loan.views === 0) keep(buffer);
}

/** The consumer is done with `view` (a lent one; anything else is ignored). */
export function giveBack(view: Buffer): void {
  const loan = loans.get(view.buffer);
  if (loan === undefined || loan.views === 0) return;
  loan.views--;
  if (loan.views === 0 && !loan.reading) keep(Buffer.from(view.buffer, 0, READ_BYTES));
}

function keep(buffer: Buffer): void {
  loans.delete(buffer.buffer);
  if (kept.length < KEPT) kept.push(buffer);
}
