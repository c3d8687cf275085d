/**
 * Streams the app's response through the Runtime API as it is produced: the prelude as soon as
 * the app's head arrives (always, also for an empty body), then every chunk at once, with
 * back-pressure end to end: Ferry reads the next chunk from the app only after the Runtime API
 * took the previous one. Failures after the prelude end the upload with error trailers.
 */
import type { Readable } from 'node:stream';
import { FerryError, describeError } from '../errors.ts';
import { commaJoinedHeaders, type HeaderMap } from '../events/index.ts';
import { ResponseBody } from '../http1/connection.ts';
import { giveBack } from '../http1/read-buffers.ts';
import type { Logger } from '../log.ts';
import type { PostOutcome } from '../runtime/runtime-api.ts';
import type { ResponseStream } from '../runtime/response-stream.ts';
import { STREAMED_RESPONSE_LIMIT, STREAM_PRELUDE_LIMIT } from './limits.ts';

const DELIMITER = Buffer.alloc(8);

export interface StreamSource {
  statusCode: number;
  headers: HeaderMap;
  body: Readable | Buffer;
}

export interface StreamReport {
  outcome: PostOutcome;
  bytes: number;
  /** Why the stream ended with an error trailer, if it did. */
  failure: string | undefined;
}

/** The JSON prelude: status, headers (repeats comma-joined), every Set-Cookie in `cookies`. */
export function encodePrelude(statusCode: number, headers: HeaderMap): Buffer {
  const { headers: single, cookies } = commaJoinedHeaders(headers);
  // The length may not hold: Ferry can cut the stream at the limit, and Lambda frames it anew.
  delete single['content-length'];
  // JSON.stringify escapes control characters, so the prelude can never contain the NUL delimiter.
  return Buffer.from(JSON.stringify({ statusCode, headers: single, cookies }));
}

export async function streamResponse(
  source: StreamSource,
  stream: ResponseStream,
  signal: AbortSignal,
  log: Logger,
  limit = STREAMED_RESPONSE_LIMIT,
): Promise<StreamReport> {
  const prelude = encodePrelude(source.statusCode, source.headers);
  if (prelude.length + DELIMITER.length > STREAM_PRELUDE_LIMIT) {
    log.warn('stream prelude is over 16 KB: API Gateway REST streaming will reject it', { prelude_bytes: prelude.length });
  }
  stream.write(Buffer.concat([prelude, DELIMITER]));

  let relayed: Relayed;
  if (Buffer.isBuffer(source.body)) {
    stream.write(source.body);
    relayed = { bytes: source.body.length, broke: undefined };
  } else {
    relayed = await relay(source.body, stream, limit);
  }
  const { bytes } = relayed;
  await stream.drained();

  if (relayed.broke) {
    const failure = streamFailure(relayed.broke, bytes, limit, signal);
    log.error('stream ended with an error', { error_type: failure.errorType, reason: failure.message, bytes });
    return { outcome: await stream.fail(failure.errorType, failure.message), bytes, failure: failure.message };
  }
  return { outcome: await stream.end(), bytes, failure: undefined };
}

/** How the relay ended: the bytes forwarded, and why it stopped early if it did. */
interface Relayed {
  bytes: number;
  broke: { overLimit: true } | { overLimit: false; cause: unknown } | undefined;
}

/** The catalogue error an interrupted stream ends with (its error trailer). */
function streamFailure(broke: NonNullable<Relayed['broke']>, bytes: number, limit: number, signal: AbortSignal): FerryError {
  if (broke.overLimit)
    return new FerryError(
      'FERRY_RESPONSE_TOO_LARGE',
      `The response is larger than Lambda's streaming limit of ${limit} bytes; Ferry stopped forwarding at the limit.`,
    );
  if (signal.aborted)
    return new FerryError(
      'FERRY_DEADLINE_EXCEEDED',
      `The app was still sending its response at the invocation deadline (after ${bytes} bytes); Ferry ended the stream.`,
    );
  return new FerryError('FERRY_APP_CONNECTION_FAILED', `The app's response broke off after ${bytes} bytes: ${describeError(broke.cause)}`, {
    cause: broke.cause,
  });
}

/**
 * Copy the app's body to the upload chunk by chunk as 'data' events arrive (no re-buffering: the
 * async iterator would concatenate whatever piled up, copying every byte once more), pausing the
 * app's socket whenever the Runtime API connection needs to drain. Never rejects.
 */
function relay(body: Readable, stream: ResponseStream, limit: number): Promise<Relayed> {
  // Chunks of the app's body are then views of Ferry's read buffers, given back once the upload
  // wrote them (adapter/http1/read-buffers.ts): no copy, no 1 MiB allocation per read.
  const borrowed = body instanceof ResponseBody;
  if (borrowed) body.borrowing = true;
  return new Promise((resolve) => {
    let bytes = 0;
    const stop = (broke: NonNullable<Relayed['broke']>) => {
      body.off('data', onData);
      body.destroy();
      resolve({ bytes, broke });
    };
    const fail = (cause: unknown) => stop({ overLimit: false, cause });
    const onData = (chunk: Buffer) => {
      const written = borrowed ? () => giveBack(chunk) : undefined;
      if (bytes + chunk.length > limit) {
        stream.write(chunk.subarray(0, limit - bytes), written);
        bytes = limit;
        return stop({ overLimit: true });
      }
      bytes += chunk.length;
      if (!stream.write(chunk, written) && !stream.broken) {
        body.pause();
        void stream.drained().then(() => body.resume());
      }
      if (stream.broken) fail(stream.broken);
    };
    body.on('data', onData);
    body.once('end', () => resolve({ bytes, broke: undefined }));
    body.once('error', (error) => fail(error));
  });
}
