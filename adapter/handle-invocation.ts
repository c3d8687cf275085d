/**
 * One invocation along the data path:
 *   event --decode--> HTTP request --proxy--> app --> HTTP response --encode--> Lambda result
 * Every failure here becomes an answer to this invocation (a 502/504 result, an error trailer or
 * an invocation error); only a broken Runtime API escapes, because then Lambda must replace us.
 */
import { statusIn, type Config } from './config.ts';
import { ERRORS, describeError, errorDocument, type FerryErrorCode } from './errors.ts';
import { detectEvent, isTextBody, type AppRequest, type AppResponse, type EventCodec } from './events/index.ts';
import type { Logger } from './log.ts';
import { INVALID_REQUEST } from './http1/request-head.ts';
import type { AppClient, AppResponseHead } from './proxy/app-client.ts';
import { addContextHeaders, rewriteRequest } from './proxy/request-context.ts';
import { requestProblem } from './proxy/validate-request.ts';
import { compressResponse } from './respond/compression.ts';
import { discardBody, malformedResponse, statusProblem, withoutBodyIfNone } from './respond/app-response-check.ts';
import { warnIfCookiesDropped } from './respond/dropped-cookies.ts';
import { ferryResponse } from './respond/ferry-response.ts';
import { BUFFERED_RESPONSE_LIMIT } from './respond/limits.ts';
import { readBody } from './respond/read-body.ts';
import { streamResponse } from './respond/streamed.ts';
import type { Invocation } from './runtime/invocation.ts';
import type { ResponseStream } from './runtime/response-stream.ts';
import type { PostOutcome, RuntimeApi } from './runtime/runtime-api.ts';

export interface HandlerDeps {
  config: Readonly<Config>;
  log: Logger;
  runtime: RuntimeApi;
  openStream: (invocation: Invocation) => ResponseStream;
  app: AppClient;
  /** Resolves when the app is ready (immediately, except during an async init); false if it never was. */
  appReady: (untilMs: number) => Promise<boolean>;
  /** Called when the app refused or dropped a connection: app health (lifecycle/app-health.ts) decides whether it is gone. */
  onAppUnreachable: () => void;
  /** Extra headers for the app's request (post-response lease endpoint). */
  extraHeaders?: (invocation: Invocation) => Record<string, string>;
}

/** How long an app error body may be when it becomes an `errorMessage`. */
const ERROR_BODY_LIMIT = 64 * 1024;

export async function handleInvocation(invocation: Invocation, deps: HandlerDeps): Promise<void> {
  // One timer per invocation, cleared when it is answered: AbortSignal.timeout() would leave a
  // timer and a signal alive until the deadline, minutes after a millisecond-long invocation.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), Math.max(0, invocation.deadlineMs - deps.config.deadlineMarginMs - Date.now()));
  try {
    await answer(invocation, deps, deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}

async function answer(invocation: Invocation, deps: HandlerDeps, signal: AbortSignal): Promise<void> {
  const { config, log, runtime } = deps;
  const fail = async (code: FerryErrorCode, message: string, extra: Record<string, unknown> = {}) => {
    const { errorType } = ERRORS[code];
    log.error(message, { request_id: invocation.requestId, error_type: errorType });
    report(await runtime.postError(invocation, errorType, { ...errorDocument(code, message), ...extra }), invocation, log);
  };

  let event: unknown;
  try {
    event = JSON.parse(invocation.event.toString('utf8'));
  } catch (error) {
    return fail(
      'FERRY_INVALID_EVENT',
      `The event is not JSON (${describeError(error)}); Ferry expects a Lambda event such as an API Gateway, Function URL, ALB or SQS event.`,
    );
  }

  const deadlineAt = invocation.deadlineMs - config.deadlineMarginMs;
  const detected = detectEvent(event);

  if (detected.kind === 'stream-completion') {
    log.debug('acknowledged an API Gateway stream completion invocation without forwarding it', { request_id: invocation.requestId, status: detected.status });
    return report(await runtime.postResponse(invocation, ''), invocation, log);
  }
  if (detected.kind === 'pass-through') {
    const request: AppRequest = { method: 'POST', target: config.passThroughPath, headers: { 'content-type': 'application/json' }, body: invocation.event };
    return passThrough(addContextHeaders(request, undefined, invocation, config), invocation, signal, deps, fail);
  }

  let request: AppRequest;
  try {
    request = addContextHeaders(rewriteRequest(detected.codec.toRequest(event, { includeStage: config.includeStage }), config), event, invocation, config);
  } catch (error) {
    return fail('FERRY_INVALID_EVENT', `The event looks like a ${detected.codec.source} event but cannot be read: ${describeError(error)}`);
  }
  Object.assign(request.headers, deps.extraHeaders?.(invocation));

  const streaming = config.invokeMode === 'response_stream' && detected.codec.canStream;
  const writeResult = streaming
    ? (response: AppResponseHead | AppResponse) => writeStreamed(response, invocation, signal, deps)
    : (response: AppResponseHead | AppResponse) => writeBuffered(response, request, detected.codec, event, invocation, signal, deps);

  const problem = requestProblem(request);
  if (problem !== undefined) {
    log.error('the request cannot be sent to the app', { request_id: invocation.requestId, reason: problem });
    return writeResult(ferryResponse('FERRY_INVALID_EVENT', `The request cannot be forwarded: ${problem}.`));
  }
  if (!(await deps.appReady(deadlineAt))) {
    return writeResult(ferryResponse('FERRY_APP_NOT_READY', 'The app did not become ready before the invocation deadline.'));
  }
  let head: AppResponseHead;
  try {
    head = await deps.app.send(request, signal);
  } catch (error) {
    if (outOfFiles(error)) return fail('FERRY_OUT_OF_FILE_DESCRIPTORS', outOfFilesMessage(error));
    return writeResult(appFailure(error, signal, invocation, deps));
  }
  const badStatus = statusProblem(head.statusCode);
  if (badStatus !== undefined) {
    discardBody(head);
    log.error('the app answered with an invalid status', { request_id: invocation.requestId, status: head.statusCode });
    return writeResult(ferryResponse('FERRY_INVALID_APP_RESPONSE', badStatus));
  }
  return writeResult(withoutBodyIfNone(head, request.method));
}

/**
 * EMFILE/ENFILE: Ferry (or the machine) has no file descriptor left for a connection. The app is
 * not to blame, so this must never count as "the app stopped answering", which ends the sandbox.
 */
function outOfFiles(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
}

function outOfFilesMessage(error: unknown): string {
  return `Ferry could not open a connection to the app: out of file descriptors (${describeError(error)}). Something in the sandbox holds too many open files; the app itself was not reached.`;
}

/** Turn a failed request to the app into the response the client gets. */
function appFailure(error: unknown, signal: AbortSignal, invocation: Invocation, deps: HandlerDeps): AppResponse {
  if (signal.aborted) {
    deps.log.error('the app did not answer before the deadline', { request_id: invocation.requestId, margin_ms: deps.config.deadlineMarginMs });
    return ferryResponse('FERRY_DEADLINE_EXCEEDED', 'The app did not answer before the invocation deadline.');
  }
  const malformed = malformedResponse(error);
  if (malformed !== undefined) {
    deps.log.error('the app answered with a response that is not valid HTTP', { request_id: invocation.requestId, reason: describeError(error) });
    return ferryResponse('FERRY_INVALID_APP_RESPONSE', malformed);
  }
  const code = (error as { code?: string }).code;
  if (code === INVALID_REQUEST) {
    deps.log.error('the request cannot be sent to the app', { request_id: invocation.requestId, reason: describeError(error) });
    return ferryResponse('FERRY_INVALID_EVENT', `The request cannot be forwarded: ${describeError(error)}`);
  }
  deps.log.error('the app connection failed', { request_id: invocation.requestId, reason: describeError(error) });
  deps.onAppUnreachable();
  return ferryResponse('FERRY_APP_CONNECTION_FAILED', `The app did not answer: ${describeError(error)}`);
}

async function writeBuffered(
  source: AppResponseHead | AppResponse,
  request: AppRequest,
  codec: EventCodec,
  event: unknown,
  invocation: Invocation,
  signal: AbortSignal,
  deps: HandlerDeps,
): Promise<void> {
  const { config, log, runtime } = deps;
  let response: AppResponse;
  if (Buffer.isBuffer(source.body)) {
    response = source as AppResponse;
  } else {
    try {
      const read = await readBody(source.body, BUFFERED_RESPONSE_LIMIT);
      response = read.tooLarge ? tooLarge(read.bytesSeen, log, invocation) : { statusCode: source.statusCode, headers: source.headers, body: read.body };
    } catch (error) {
      response = appFailure(error, signal, invocation, deps);
    }
  }

  if (statusIn(response.statusCode, config.errorStatusCodes) && response.headers['x-ferry-error'] === undefined) {
    log.error('the app answered with an error status', { request_id: invocation.requestId, status: response.statusCode });
    const doc = { ...errorDocument('FERRY_APP_ERROR_STATUS', appStatusMessage(response.statusCode, response.body)), statusCode: response.statusCode };
    return report(await runtime.postError(invocation, ERRORS.FERRY_APP_ERROR_STATUS.errorType, doc), invocation, log);
  }
  if (config.compression) response = compressResponse(response, joined(request.headers['accept-encoding']));

  warnIfCookiesDropped(codec, event, response, log);
  let payload = JSON.stringify(codec.toResult(response, event, { isTextBody }));
  if (Buffer.byteLength(payload) > BUFFERED_RESPONSE_LIMIT) {
    payload = JSON.stringify(codec.toResult(tooLarge(Buffer.byteLength(payload), log, invocation), event, { isTextBody }));
  }
  report(await runtime.postResponse(invocation, payload), invocation, log);
}

function tooLarge(bytes: number, log: Logger, invocation: Invocation): AppResponse {
  const message = `The response (over ${bytes} bytes once encoded) is larger than Lambda's 6 MB limit for buffered responses. Set AWS_LWA_INVOKE_MODE=response_stream and use a Function URL with InvokeMode RESPONSE_STREAM (up to 200 MB).`;
  log.error('response too large for a buffered result', { request_id: invocation.requestId, bytes });
  return ferryResponse('FERRY_RESPONSE_TOO_LARGE', message);
}

async function writeStreamed(source: AppResponseHead | AppResponse, invocation: Invocation, signal: AbortSignal, deps: HandlerDeps): Promise<void> {
  const stream = deps.openStream(invocation);
  const result = await streamResponse(source, stream, signal, deps.log);
  report(result.outcome, invocation, deps.log);
}

async function passThrough(
  request: AppRequest,
  invocation: Invocation,
  signal: AbortSignal,
  deps: HandlerDeps,
  fail: (code: FerryErrorCode, message: string, extra?: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  Object.assign(request.headers, deps.extraHeaders?.(invocation));
  const problem = requestProblem(request);
  if (problem !== undefined) return fail('FERRY_INVALID_EVENT', `The event cannot be passed through to the app: ${problem}.`);
  if (!(await deps.appReady(invocation.deadlineMs - deps.config.deadlineMarginMs))) {
    return fail('FERRY_APP_NOT_READY', 'The app did not become ready before the invocation deadline.');
  }
  let status: number;
  let body: Buffer;
  try {
    const head = await deps.app.send(request, signal);
    status = head.statusCode;
    const read = await readBody(head.body, BUFFERED_RESPONSE_LIMIT);
    if (read.tooLarge) return fail('FERRY_RESPONSE_TOO_LARGE', `The app's answer to the event is larger than Lambda's 6 MB limit (${read.bytesSeen}+ bytes).`);
    body = read.body;
  } catch (error) {
    if (signal.aborted)
      return fail('FERRY_DEADLINE_EXCEEDED', `The app did not answer the event at ${deps.config.passThroughPath} before the invocation deadline.`);
    if (outOfFiles(error)) return fail('FERRY_OUT_OF_FILE_DESCRIPTORS', outOfFilesMessage(error));
    deps.onAppUnreachable();
    return fail('FERRY_APP_CONNECTION_FAILED', `The app did not answer the event at ${deps.config.passThroughPath}: ${describeError(error)}`);
  }
  if (status < 200 || status > 299) {
    return fail('FERRY_PASS_THROUGH_FAILED', appStatusMessage(status, body), { statusCode: status });
  }
  // A JSON body is the result as it is (SQS batchItemFailures); anything else is returned as a string.
  const payload = body.length === 0 ? 'null' : isJson(body) ? body : JSON.stringify(body.toString('utf8'));
  report(await deps.runtime.postResponse(invocation, payload), invocation, deps.log);
}

/**
 * The `errorMessage` of an invocation error made from an app's answer, in Lambda Web Adapter's
 * shape `{"statusCode":503,"body":"<the body as a JSON string>"}`, which Step Functions users parse.
 */
function appStatusMessage(statusCode: number, body: Buffer): string {
  return JSON.stringify({ statusCode, body: body.subarray(0, ERROR_BODY_LIMIT).toString('utf8') });
}

function isJson(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** A request header's value as one string (repeated fields comma-joined). */
function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Log what the Runtime API refused; the loop carries on with the next invocation. */
function report(outcome: PostOutcome, invocation: Invocation, log: Logger): void {
  if (outcome === 'late') log.warn('the Runtime API refused a late response (410): the invocation had timed out', { request_id: invocation.requestId });
  else if (outcome === 'too-large') log.error('the Runtime API refused the response as too large (413)', { request_id: invocation.requestId });
  else if (outcome === 'rejected') log.error('the Runtime API rejected the result', { request_id: invocation.requestId });
}
