import type { StreamPrelude } from './types.ts';

/** The prelude ends at the first run of this many 0x00 bytes (the JSON itself never holds a NUL). */
export const DELIMITER_LENGTH = 8;
/** Give up looking for the delimiter after this much: no valid prelude is that large (API Gateway wants 16 KB). */
export const MAX_PRELUDE_BYTES = 1024 * 1024;

export interface PreludeSplitterHandlers {
  /** The prelude bytes without the delimiter; called once, as soon as the 8th NUL arrives. */
  onPrelude(bytes: Buffer): void;
  /** Every byte after the delimiter, in order. */
  onBody(chunk: Buffer): void;
}

/**
 * Splits a streamed upload into prelude and body by scanning bytes, never chunk boundaries:
 * the prelude may arrive byte by byte and the NUL run may straddle chunks. After the
 * delimiter, chunks pass through untouched (no copy), which keeps 200 MB streams cheap.
 * When no delimiter shows up within `maxPreludeBytes`, everything is handed on as body and
 * `gaveUp` is set.
 */
export function createPreludeSplitter(handlers: PreludeSplitterHandlers, maxPreludeBytes = MAX_PRELUDE_BYTES) {
  let head: Buffer[] = [];
  let headBytes = 0;
  let zeroRun = 0;
  let found = false;
  let gaveUp = false;

  return {
    push(chunk: Buffer): void {
      if (found || gaveUp) {
        if (chunk.length > 0) handlers.onBody(chunk);
        return;
      }
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] !== 0) {
          zeroRun = 0;
          continue;
        }
        if (++zeroRun < DELIMITER_LENGTH) continue;
        found = true;
        const withDelimiter = Buffer.concat([...head, chunk.subarray(0, i + 1)]);
        head = [];
        handlers.onPrelude(withDelimiter.subarray(0, withDelimiter.length - DELIMITER_LENGTH));
        const rest = chunk.subarray(i + 1);
        if (rest.length > 0) handlers.onBody(rest);
        return;
      }
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes > maxPreludeBytes) {
        gaveUp = true;
        const all = Buffer.concat(head);
        head = [];
        handlers.onBody(all);
      }
    },
    /** State at the end of the upload; `pending` holds the bytes when no delimiter was ever seen. */
    end(): { found: boolean; gaveUp: boolean; pending: Buffer } {
      const pending = Buffer.concat(head);
      head = [];
      return { found, gaveUp, pending };
    },
    get found() {
      return found;
    },
  };
}

/** Parse prelude bytes; a string result is the reason it is not a valid prelude. */
export function parsePrelude(bytes: Buffer): StreamPrelude | string {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return `prelude is not valid JSON (${(error as Error).message}): ${JSON.stringify(bytes.subarray(0, 200).toString('utf8'))}`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `prelude must be a JSON object; got ${JSON.stringify(value)}`;
  }
  return value as StreamPrelude;
}
