import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createBodySink } from './body-sink.ts';
import type { Invocation } from './invocation.ts';
import type { Platform } from './platform.ts';
import { reject, sendAccepted } from './replies.ts';
import { header } from './request-body.ts';
import { createPreludeSplitter, MAX_PRELUDE_BYTES, parsePrelude } from './stream-prelude.ts';
import type { InvokeResult, StreamPrelude } from './types.ts';

const INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

/**
 * Receive a streamed `/response` (`Lambda-Runtime-Function-Response-Mode: streaming`):
 * prelude, 8 NULs, body as it arrives, then the HTTP trailers that carry a mid-stream error.
 * Answers 202 once the upload ends (413 past `streamLimitBytes`, 410 after the deadline).
 *
 * Only uploads with `Content-Type: application/vnd.awslambda.http-integration-response` carry a
 * prelude; any other type is all body (as `InvokeWithResponseStream` sees it), and `preludeError`
 * says why there is no prelude.
 */
export function receiveStream(
  platform: Platform,
  inv: Invocation,
  req: IncomingMessage,
  res: ServerResponse,
  rejectLate: (req: IncomingMessage, res: ServerResponse, inv: Invocation) => void,
): void {
  const { opts, log } = platform;
  const options = inv.options;
  const result = inv.result;
  const uploadHeaders = { ...req.headers };
  result.streamed = true;
  result.uploadHeaders = uploadHeaders;
  log.record('stream-started', { requestId: inv.requestId });

  let prelude: StreamPrelude | undefined;
  let preludeError: string | undefined;
  let preludeAt: number | undefined;

  const onBodyChunk = options.onBodyChunk;
  const sink = createBodySink({
    limit: opts.streamLimitBytes,
    discard: options.discardBody,
    onChunk: onBodyChunk && ((chunk, at) => holdWhilePending(callSafely(() => onBodyChunk(chunk, at)))),
  });

  // A callback that returns a promise is a slow client: stop reading the upload until it settles,
  // so back-pressure reaches the runtime as it would through Lambda's front end.
  let pending = 0;
  function holdWhilePending(result: unknown): void {
    if (!(result instanceof Promise)) return;
    pending++;
    req.pause();
    void result
      .catch(() => undefined)
      .finally(() => {
        if (--pending === 0) req.resume();
      });
  }

  const contentType = header(req, 'content-type') ?? '';
  const withPrelude = contentType.split(';')[0].trim().toLowerCase() === INTEGRATION_CONTENT_TYPE;
  if (!withPrelude) {
    preludeError = `no prelude expected: Content-Type is ${JSON.stringify(contentType)}, not ${INTEGRATION_CONTENT_TYPE}`;
  }
  const splitter = withPrelude
    ? createPreludeSplitter({
        onPrelude(bytes) {
          preludeAt = performance.now();
          const parsed = parsePrelude(bytes);
          if (typeof parsed === 'string') preludeError = parsed;
          else prelude = parsed;
          log.record('stream-prelude', { requestId: inv.requestId, statusCode: prelude?.statusCode, error: preludeError });
          if (prelude && options.onPrelude) {
            const p = prelude;
            callSafely(() => options.onPrelude!(p));
          }
        },
        onBody: (chunk) => sink.push(chunk),
      })
    : undefined;

  const described = (): Partial<InvokeResult> => ({
    streamed: true,
    prelude,
    preludeError,
    uploadHeaders,
    timings: { ...result.timings, preludeAt, firstByteAt: undefined, lastByteAt: undefined },
  });
  // If the deadline hits mid-upload, the invoker gets what arrived so far.
  platform.uploadStarted(inv, () => ({ ...described(), payload: sink.peek(), bodyBytes: sink.bytes }));

  let ended = false;
  req.on('data', (chunk: Buffer) => {
    if (splitter) splitter.push(chunk);
    else sink.push(chunk);
    if (options.readDelayMs) {
      req.pause();
      setTimeout(() => req.resume(), options.readDelayMs);
    }
  });
  req.on('error', () => {});
  req.on('end', () => {
    ended = true;
    complete();
  });
  req.on('close', () => {
    if (!ended) {
      ended = true;
      aborted();
    }
  });

  function finishUpload() {
    platform.uploadEnded(inv);
    if (splitter) {
      const tail = splitter.end();
      if (tail.gaveUp) preludeError = `no 8-NUL delimiter within the first ${MAX_PRELUDE_BYTES} bytes: all of it was taken as body`;
      else if (!tail.found) {
        preludeError = "the upload ended before the prelude's 8-NUL delimiter: all of it was taken as body";
        sink.push(tail.pending);
      }
    }
    const body = sink.finish();
    const fields: Partial<InvokeResult> = {
      ...described(),
      payload: body.payload,
      bodyBytes: body.bytes,
      sha256: body.sha256,
      timings: { ...result.timings, preludeAt, firstByteAt: body.firstAt, lastByteAt: body.lastAt },
    };
    return { body, fields };
  }

  function complete(): void {
    const { body, fields } = finishUpload();
    if (inv.timedOut) {
      rejectLate(req, res, inv);
      return platform.changed();
    }
    const trailers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.trailers)) if (value !== undefined) trailers[name.toLowerCase()] = value;
    const errorType = trailers['lambda-runtime-function-error-type'];
    fields.trailers = trailers;
    if (errorType) {
      fields.errorType = errorType;
      fields.streamError = { errorType, body: decodeErrorBody(trailers['lambda-runtime-function-error-body']) };
    }
    if (body.overLimit) {
      // The real platform cuts the client's stream at the limit; here the upload is drained,
      // the invoker gets an error outcome with the first `streamLimitBytes`, the runtime a 413.
      platform.finish(inv, 'error', { ...fields, errorType: 'Function.ResponseSizeTooLarge', tooLarge: true });
      reject(log, req, res, {
        status: 413,
        errorType: 'RequestEntityTooLarge',
        message: `Exceeded maximum allowed streamed payload size (${opts.streamLimitBytes} bytes).`,
        details: { requestId: inv.requestId, bytes: body.bytes },
      });
    } else {
      platform.finish(inv, errorType ? 'error' : 'response', fields);
      sendAccepted(res);
    }
    platform.changed();
  }

  function aborted(): void {
    const { fields } = finishUpload();
    log.record('upload-aborted', { requestId: inv.requestId, streamed: true });
    if (!inv.settled) {
      platform.finish(inv, 'error', { ...fields, errorType: 'Runtime.ResponseUploadAborted' });
    } else {
      platform.lateAnswer(inv, false);
    }
    platform.changed();
  }
}

/** `Lambda-Runtime-Function-Error-Body` is base64 of a JSON document; fall back to text, then to the raw value. */
export function decodeErrorBody(value: string | undefined): any {
  if (value === undefined) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** User callbacks must not break the upload; their errors surface as uncaught exceptions. */
function callSafely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
