/**
 * Streams the app's response through the Runtime API as it is produced: the prelude as soon as
 * the app's head arrives (always, also for an empty body), then every chunk at once, with
 * back-pressure end to end: Ferry reads the next chunk from the app only after the Runtime API
 * took the previous one. Failures after the prelude end the upload with error trailers.
 */
import type { Readable } from 'node:stream';
import { ERROR_TYPES, describeError } from '../errors.ts';
import { commaJoinedHeaders, type HeaderMap } from '../events/index.ts';
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

export async function streamResponse(source: StreamSource, stream: ResponseStream, signal: AbortSignal, log: Logger, limit = STREAMED_RESPONSE_LIMIT): Promise<StreamReport> {
  const prelude = encodePrelude(source.statusCode, source.headers);
  if (prelude.length + DELIMITER.length > STREAM_PRELUDE_LIMIT) {
    log.warn('stream prelude is over 16 KB: API Gateway REST streaming will reject it', { prelude_bytes: prelude.length });
  }
  stream.write(Buffer.concat([prelude, DELIMITER]));

  let bytes = 0;
  let failure: [string, string] | undefined;
  if (Buffer.isBuffer(source.body)) {
    stream.write(source.body);
    bytes = source.body.length;
  } else {
    try {
      bytes = await relay(source.body, stream, limit);
    } catch (error) {
      bytes = (error as RelayError).bytes ?? bytes;
      failure =
        (error as RelayError).overLimit
          ? [ERROR_TYPES.FERRY_RESPONSE_TOO_LARGE, `The response is larger than Lambda's streaming limit of ${limit} bytes; Ferry stopped forwarding at the limit.`]
          : signal.aborted
            ? [ERROR_TYPES.FERRY_DEADLINE, `The app was still sending its response at the invocation deadline (after ${bytes} bytes); Ferry ended the stream.`]
            : [ERROR_TYPES.FERRY_APP_CONNECTION, `The app's response broke off after ${bytes} bytes: ${describeError((error as RelayError).cause ?? error)}`];
    }
  }
  await stream.drained();

  if (failure) {
    log.error('stream ended with an error', { error_type: failure[0], reason: failure[1], bytes });
    return { outcome: await stream.fail(failure[0], failure[1]), bytes, failure: failure[1] };
  }
  return { outcome: await stream.end(), bytes, failure: undefined };
}

interface RelayError extends Error {
  bytes?: number;
  overLimit?: boolean;
}

/**
 * Copy the app's body to the upload chunk by chunk as 'data' events arrive (no re-buffering: the
 * async iterator would concatenate whatever piled up, copying every byte once more), pausing the
 * app's socket whenever the Runtime API connection needs to drain. Resolves with the byte count.
 */
function relay(body: Readable, stream: ResponseStream, limit: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const fail = (cause: unknown, extra: Partial<RelayError> = {}) => {
      body.off('data', onData);
      body.destroy();
      reject(Object.assign(new Error('relay failed'), { cause, bytes, ...extra }));
    };
    const onData = (chunk: Buffer) => {
      if (bytes + chunk.length > limit) {
        stream.write(chunk.subarray(0, limit - bytes));
        bytes = limit;
        return fail(undefined, { overLimit: true });
      }
      bytes += chunk.length;
      if (!stream.write(chunk) && !stream.broken) {
        body.pause();
        void stream.drained().then(() => body.resume());
      }
      if (stream.broken) fail(stream.broken);
    };
    body.on('data', onData);
    body.once('end', () => resolve(bytes));
    body.once('error', (error) => fail(error));
  });
}
