/**
 * One client request through the front door, in the order AWS handles it:
 *   read the request (413 past the limit) → build the event → invoke → relay the stream as it
 *   arrives, or read the buffered result → the client's response (or the front end's error).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { InvokeOptions, InvokeResult } from '../emulator/index.ts';
import { readClientRequest } from './client-request.ts';
import type { EventBuilder, EventContext } from './events/index.ts';
import { INVOKE_PAYLOAD_LIMIT_BYTES, type Gateway, type GatewayReply } from './gateways.ts';
import type { Journal } from '../inspector/index.ts';
import { createStreamRelay, writeReply } from './respond.ts';
import { preludeHeaders, readResult } from './result.ts';

/** How the front door reaches Lambda: the emulator's `invoke`. */
export type Invoke = (event: unknown, options?: InvokeOptions) => Promise<InvokeResult>;

export interface ExchangeDeps {
  invoke: Invoke;
  build: EventBuilder;
  gateway: Gateway;
  context: Pick<EventContext, 'region' | 'protocol' | 'port'>;
  log: (line: string) => void;
  /** The inspector's journal, when it is on: every exchange is recorded there. */
  journal?: Journal;
}

export async function handleExchange(req: IncomingMessage, res: ServerResponse, deps: ExchangeDeps): Promise<void> {
  const { gateway } = deps;
  const startedAt = performance.now();
  const method = req.method ?? 'GET';
  // A client that hangs up mid-stream must not take the front door down; Lambda carries on.
  res.on('error', () => undefined);
  const requestId = randomUUID();
  const done = (status: number | string, note?: string, buffered?: GatewayReply | { headers: Record<string, string | string[]>; body: Buffer | string }) => {
    deps.log(`${method} ${req.url} ${status} ${Math.round(performance.now() - startedAt)} ms${note ? ` (${note})` : ''}`);
    deps.journal?.end(
      requestId,
      status,
      note,
      buffered && { headers: buffered.headers, body: Buffer.isBuffer(buffered.body) ? buffered.body : Buffer.from(buffered.body) },
    );
  };
  const answer = (reply: GatewayReply, note: string) => {
    if (!res.headersSent && !res.destroyed) writeReply(res, reply, method);
    done(reply.statusCode, note, reply);
  };

  const read = await readClientRequest(req, gateway.maxRequestBodyBytes);
  if (read.tooLarge)
    return answer(gateway.replies.requestTooLarge, `request body of ${read.bytes} bytes is over the ${gateway.maxRequestBodyBytes}-byte limit`);

  const context: EventContext = { ...deps.context, requestId: randomUUID(), timeEpoch: Date.now(), sourceIp: clientIp(req) };
  const event = Buffer.from(JSON.stringify(deps.build(read.request, context)));
  // Base64 bodies grow by a third: a body under the limit can still make an event over it.
  if (event.length > INVOKE_PAYLOAD_LIMIT_BYTES)
    return answer(gateway.replies.requestTooLarge, `event of ${event.length} bytes is over Lambda's ${INVOKE_PAYLOAD_LIMIT_BYTES}-byte invoke limit`);

  deps.journal?.begin({ requestId, method, url: req.url ?? '/', event: JSON.parse(event.toString('utf8')) });

  const relay = createStreamRelay(res);
  // A client that goes away mid-stream does not stop the function on AWS ("streamed responses
  // are not interrupted or stopped when the invoking client connection is broken"): the upload
  // goes on and is discarded, as here. See docs/streaming-on-lambda.md.
  let clientGone = false;
  res.once('close', () => {
    if (!res.writableEnded) clientGone = true;
  });
  let timedOut = false;
  const timer =
    gateway.integrationTimeout &&
    setTimeout(() => {
      if (relay.started) return;
      timedOut = true;
      relay.stop();
      answer(gateway.integrationTimeout!.reply, `no answer within the ${gateway.integrationTimeout!.afterMs} ms integration timeout`);
    }, gateway.integrationTimeout.afterMs);

  let result: InvokeResult;
  try {
    result = await deps.invoke(event, {
      requestId,
      onPrelude: (prelude) => {
        if (timer) clearTimeout(timer);
        relay.onPrelude(prelude);
        deps.journal?.prelude(requestId, relay.statusCode ?? 200, preludeHeaders(prelude));
      },
      onBodyChunk: (chunk) => {
        deps.journal?.chunk(requestId, chunk);
        return relay.onBodyChunk(chunk);
      },
      // The bytes go to the client as they come; the emulator needs to keep none of them.
      discardBody: true,
    });
  } catch (error) {
    // The emulator was closed under the request (shutdown).
    relay.stop();
    if (relay.started) res.destroy();
    return answer(gateway.replies.functionError, (error as Error).message);
  } finally {
    if (timer) clearTimeout(timer);
  }
  if (timedOut) return;

  if (relay.started) {
    const failure = streamFailure(result);
    if (clientGone) return done(relay.statusCode ?? 200, 'streamed; the client went away before the end, and the function ran on to it, as on AWS');
    if (failure === undefined) {
      res.end();
      return done(relay.statusCode ?? 200, 'streamed');
    }
    // As a Function URL does: the client's connection is cut, so it cannot take a truncated
    // body for a whole one.
    res.destroy();
    return done(relay.statusCode ?? 200, `stream aborted: ${failure}`);
  }

  if (result.outcome === 'timeout') return answer(gateway.replies.functionError, 'the function timed out (Sandbox.Timedout)');
  if (result.outcome === 'error') {
    const reply = result.tooLarge ? gateway.replies.responseTooLarge : gateway.replies.functionError;
    return answer(reply, `invocation error ${describeError(result)}`);
  }
  if (result.streamed) {
    // A stream that ended before anything reached the client: an empty body without a prelude.
    writeReply(res, { statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(0) }, method);
    return done(200, 'streamed, no prelude');
  }
  if (gateway.maxResultBytes !== undefined && result.payload.length > gateway.maxResultBytes) {
    return answer(gateway.replies.responseTooLarge, `result of ${result.payload.length} bytes is over the ${gateway.maxResultBytes}-byte limit`);
  }
  const reply = readResult(result.payload, gateway);
  if ('malformed' in reply) return answer(gateway.replies.functionError, `malformed result: ${reply.malformed}`);
  writeReply(res, reply, method);
  done(reply.statusCode, undefined, reply);
}

/** Why a streamed response did not end well, or `undefined` when it did. */
function streamFailure(result: InvokeResult): string | undefined {
  if (result.streamError) return describeError(result);
  if (result.outcome === 'timeout') return 'the function timed out mid-stream';
  if (result.outcome === 'error') return describeError(result);
  return undefined;
}

/** `Ferry.AppConnectionFailed: The app did not answer…`, from whatever the invocation left. */
function describeError(result: InvokeResult): string {
  const body = result.streamError?.body ?? safeJson(result.payload);
  const type = result.streamError?.errorType ?? result.errorType ?? body?.errorType ?? 'Unknown';
  const message = typeof body?.errorMessage === 'string' ? body.errorMessage : result.tooLarge ? 'the response is over the size limit' : '';
  return message ? `${type}: ${message}` : type;
}

function safeJson(payload: Buffer): any {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The client's address without the IPv4-mapped IPv6 prefix. */
function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
