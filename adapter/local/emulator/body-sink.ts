import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export interface BodySinkOptions {
  /** Keep at most this many bytes; past it `overLimit` is set and the rest is only counted. */
  limit: number;
  /** Keep nothing, only count and hash. */
  discard?: boolean;
  onChunk?: (chunk: Buffer, atMs: number) => void;
}

export interface BodySummary {
  payload: Buffer;
  bytes: number;
  sha256: string;
  overLimit: boolean;
  firstAt?: number;
  lastAt?: number;
}

/**
 * Collects a body as it arrives: counts, hashes incrementally, keeps chunks up to a limit and
 * concatenates them once at the end, so a 190 MiB stream is held once (or not at all with `discard`).
 */
export function createBodySink(options: BodySinkOptions) {
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let bytes = 0;
  let kept = 0;
  let overLimit = false;
  let firstAt: number | undefined;
  let lastAt: number | undefined;

  return {
    push(chunk: Buffer): void {
      if (chunk.length === 0) return;
      const at = performance.now();
      firstAt ??= at;
      lastAt = at;
      bytes += chunk.length;
      hash.update(chunk);
      if (bytes > options.limit) overLimit = true;
      if (!options.discard && kept < options.limit) {
        const room = options.limit - kept;
        const piece = chunk.length <= room ? chunk : chunk.subarray(0, room);
        chunks.push(piece);
        kept += piece.length;
      }
      options.onChunk?.(chunk, at);
    },
    get bytes() {
      return bytes;
    },
    get overLimit() {
      return overLimit;
    },
    /** The bytes kept so far, copied (for a partial result when the deadline hits mid-upload). */
    peek(): Buffer {
      return Buffer.concat(chunks, kept);
    },
    finish(): BodySummary {
      const payload = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, kept);
      chunks.length = 0;
      return { payload, bytes, sha256: hash.digest('hex'), overLimit, firstAt, lastAt };
    },
  };
}

export type BodySink = ReturnType<typeof createBodySink>;
