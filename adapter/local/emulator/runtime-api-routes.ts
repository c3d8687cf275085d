import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Invocation } from './invocation.ts';
import type { Platform } from './platform.ts';
import { reject, sendAccepted } from './replies.ts';
import { header, jsonOrText, readBody } from './request-body.ts';
import { receiveStream } from './stream-upload.ts';

/** Small bodies that are not responses (init errors, registration) are capped at this. */
const SMALL_BODY_LIMIT = 1024 * 1024;

/**
 * Runtime API handlers (`/2018-06-01`). Each one checks the request against the sandbox state,
 * answers it, and leaves every state change to the platform.
 */
export function createRuntimeApi(platform: Platform) {
  const { opts, log, state, managed, runtimeWaiters } = platform;

  function invalidState(req: IncomingMessage, res: ServerResponse, message: string, details?: Record<string, unknown>) {
    reject(log, req, res, { status: 403, errorType: 'InvalidStateTransition', message, details });
  }

  /** GET /runtime/invocation/next: long poll, no timeout; the first call ends Init. */
  function next(req: IncomingMessage, res: ServerResponse): void {
    if (state.initError && !state.initDone) {
      return invalidState(req, res, 'Init failed (an init error was reported): the runtime should exit');
    }
    if (!managed && state.activeUploads > 0) {
      return invalidState(req, res, 'State transition not allowed: a streamed response is still uploading; finish it before calling /next');
    }
    if (!managed && runtimeWaiters.length > 0) {
      return invalidState(req, res, 'another /runtime/invocation/next call is already pending (single-concurrency sandbox)');
    }
    if (managed && runtimeWaiters.length + platform.active.size >= opts.maxConcurrency!) {
      return invalidState(
        req,
        res,
        `AWS_LAMBDA_MAX_CONCURRENCY is ${opts.maxConcurrency}: ${runtimeWaiters.length} /next calls pending and ${platform.active.size} invocations in flight`,
      );
    }
    const waiter = { req, res };
    res.on('close', () => platform.runtimeGaveUp(waiter));
    platform.runtimeWaits(waiter);
  }

  /**
   * The checks shared by /response and /error, in the platform's order: known id (400), the
   * invocation-id echo (400), deadline passed (410), already answered (403).
   */
  function checkAnswer(req: IncomingMessage, res: ServerResponse, id: string): Invocation | undefined {
    const inv = platform.invocations.get(id);
    if (!inv || inv.state === 'queued') {
      reject(log, req, res, { status: 400, errorType: 'InvalidRequestID', message: 'Invalid request ID', details: { requestId: id } });
      return undefined;
    }
    if (inv.invocationId !== null) {
      const echo = header(req, 'lambda-runtime-invocation-id');
      if (echo !== inv.invocationId) {
        // How the real platform answers a missing or wrong echo is not documented; 400 is our choice.
        reject(log, req, res, {
          status: 400,
          errorType: 'InvalidInvocationId',
          message:
            echo === undefined
              ? 'missing Lambda-Runtime-Invocation-Id header: echo the value received from /next'
              : `Lambda-Runtime-Invocation-Id ${JSON.stringify(echo)} does not match the one delivered (${inv.invocationId})`,
          details: { requestId: id },
        });
        return undefined;
      }
    }
    if (inv.timedOut) {
      rejectLate(req, res, inv);
      return undefined;
    }
    if (inv.answered) {
      invalidState(req, res, `invocation ${id} was already answered`, { requestId: id });
      return undefined;
    }
    return inv;
  }

  /** 410 for an answer after the deadline; on-demand the real platform would have reset the sandbox. */
  function rejectLate(req: IncomingMessage, res: ServerResponse, inv: Invocation): void {
    reject(log, req, res, {
      status: 410,
      errorType: 'InvokeTimeout',
      message: `invocation ${inv.requestId} timed out before this answer${managed ? '' : ' (on demand, the sandbox would have been reset)'}`,
      details: { requestId: inv.requestId },
    });
    platform.lateAnswer(inv);
  }

  /** POST /runtime/invocation/{id}/response, buffered or streamed. */
  async function response(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const mode = header(req, 'lambda-runtime-function-response-mode');
    if (mode !== undefined && mode !== 'streaming') {
      return reject(log, req, res, {
        status: 400,
        errorType: 'InvalidFunctionResponseMode',
        message: `Invalid function response mode ${JSON.stringify(mode)}: the only valid value is "streaming"`,
        details: { requestId: id },
      });
    }
    const inv = checkAnswer(req, res, id);
    if (!inv) return;
    platform.answerStarted(inv);
    if (mode === 'streaming') return receiveStream(platform, inv, req, res, rejectLate);

    const { body, aborted } = await readBody(req, { limit: opts.bufferedLimitBytes });
    if (aborted) return uploadAborted(inv);
    if (inv.timedOut) return rejectLate(req, res, inv);
    const common = { bodyBytes: body.bytes, sha256: body.sha256, uploadHeaders: { ...req.headers } };
    if (body.overLimit) {
      const document = {
        errorMessage: `Response payload size (${body.bytes} bytes) exceeded maximum allowed payload size (${opts.bufferedLimitBytes} bytes).`,
        errorType: 'Function.ResponseSizeTooLarge',
      };
      platform.finish(inv, 'error', {
        ...common,
        payload: Buffer.from(JSON.stringify(document)),
        errorType: document.errorType,
        tooLarge: true,
      });
      // The whole body is read before answering: a client that writes everything first then
      // sees a clean 413 instead of a reset connection.
      reject(log, req, res, {
        status: 413,
        errorType: 'RequestEntityTooLarge',
        message: `Exceeded maximum allowed payload size (${opts.bufferedLimitBytes} bytes).`,
        details: { requestId: id, bytes: body.bytes },
      });
    } else {
      platform.finish(inv, 'response', { ...common, payload: body.payload });
      sendAccepted(res);
    }
    platform.changed();
  }

  /** POST /runtime/invocation/{id}/error */
  async function error(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const inv = checkAnswer(req, res, id);
    if (!inv) return;
    platform.answerStarted(inv);
    const { body, aborted } = await readBody(req, { limit: opts.bufferedLimitBytes });
    if (aborted) return uploadAborted(inv);
    if (inv.timedOut) return rejectLate(req, res, inv);
    platform.finish(inv, 'error', {
      payload: body.payload,
      errorType: header(req, 'lambda-runtime-function-error-type'),
      bodyBytes: body.bytes,
      sha256: body.sha256,
      uploadHeaders: { ...req.headers },
    });
    sendAccepted(res);
    platform.changed();
  }

  /** The runtime went away in the middle of its answer: the invoker gets an error. */
  function uploadAborted(inv: Invocation): void {
    log.record('upload-aborted', { requestId: inv.requestId });
    if (!inv.settled) {
      const document = { errorMessage: 'The runtime closed the connection before its answer was complete', errorType: 'Runtime.ResponseUploadAborted' };
      platform.finish(inv, 'error', { payload: Buffer.from(JSON.stringify(document)), errorType: document.errorType });
    }
    platform.changed();
  }

  /** POST /runtime/init/error: 202 during Init, 403 after. */
  async function initError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (state.initDone) return invalidState(req, res, 'Init is over: /runtime/init/error is only allowed before the first /next');
    if (state.initError) return invalidState(req, res, 'an init error was already reported');
    const { body } = await readBody(req, { limit: SMALL_BODY_LIMIT });
    if (state.initDone || state.initError) return invalidState(req, res, 'Init ended while the init error was uploading');
    const errorType = header(req, 'lambda-runtime-function-error-type');
    const parsed = jsonOrText(body.payload);
    log.record('init-error', { errorType, body: parsed });
    platform.recordInitError({ errorType, body: parsed, raw: body.payload });
    sendAccepted(res);
  }

  return { next, response, error, initError };
}
