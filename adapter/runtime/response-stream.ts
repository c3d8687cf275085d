/**
 * The streaming `/response` upload (docs/lambda-protocol.md §2), on its own node:http request
 * rather than ../http-request.ts: errors after the first byte must end the chunked body with real
 * HTTP trailers.
 */
import http from 'node:http';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { splitHostPort } from './extensions-api.ts';
import type { Invocation } from './invocation.ts';
import { RESULT_ANSWER_TIMEOUT_MS, postOutcome, resultHeaders, unanswered, type PostOutcome } from './runtime-api.ts';

export const STREAM_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const ERROR_TYPE_TRAILER = 'Lambda-Runtime-Function-Error-Type';
const ERROR_BODY_TRAILER = 'Lambda-Runtime-Function-Error-Body';
/**
 * How much of the upload may wait in Ferry's memory before write() asks the relay to pause.
 * Node's default (16 KiB on Node 20, 64 KiB on 22) is below one socket read from the app, so
 * every chunk paused and resumed the app's socket; with 1 MiB the relay pauses only when the
 * Runtime API really reads slower than the app writes.
 */
const UPLOAD_HIGH_WATER_MARK = 1024 * 1024;

export interface ResponseStream {
  /** Queue bytes for the upload; false means "wait for `drained()` before writing more". */
  write(chunk: Buffer): boolean;
  /** Resolves once the Runtime API has taken what was queued (or the upload broke). */
  drained(): Promise<void>;
  /** End the upload normally. */
  end(): Promise<PostOutcome>;
  /** End the upload with error trailers; the body so far stays as it is. */
  fail(errorType: string, errorMessage: string): Promise<PostOutcome>;
  /** Set once the Runtime API connection failed; further writes are dropped. */
  readonly broken: Error | undefined;
}

export function createStreamOpener(address: string): (invocation: Invocation) => ResponseStream {
  const [host, port] = splitHostPort(address);
  // The Agent passes its options on to net.connect, so the socket gets this buffer (@types/node's
  // AgentOptions does not list the net.Socket options).
  const agent = new http.Agent({ keepAlive: true, writableHighWaterMark: UPLOAD_HIGH_WATER_MARK } as http.AgentOptions);
  return (invocation) => {
    const req = http.request({
      host,
      port,
      agent,
      method: 'POST',
      path: `/2018-06-01/runtime/invocation/${encodeURIComponent(invocation.requestId)}/response`,
      headers: {
        ...resultHeaders(invocation),
        'lambda-runtime-function-response-mode': 'streaming',
        'transfer-encoding': 'chunked',
        trailer: `${ERROR_TYPE_TRAILER}, ${ERROR_BODY_TRAILER}`,
        'content-type': STREAM_CONTENT_TYPE,
      },
      // No TLS here: '' spares the Agent's per-request calculateServerName (as in ../http-request.ts).
      servername: '',
    } as http.RequestOptions);
    req.setNoDelay(true);
    let broken: Error | undefined;
    const answer = new Promise<http.IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', (error) => {
        broken = error;
        reject(error);
      });
    });
    // Settles when the Runtime API answered (or the upload failed): no 'drain' will come after it.
    const answered = answer.then(
      () => undefined,
      () => undefined,
    );

    // What the app sent within one turn of the event loop (up to 32 socket reads) leaves in one
    // writev right after the poll phase: nothing waits for more data, but a fast app costs far
    // fewer syscalls and wake-ups. The socket is corked, not the request: Node 22's request-level
    // cork merges chunks and never emits 'drain' for them.
    let batched: Socket | undefined;
    function flushBatch(): void {
      batched?.uncork();
      batched = undefined;
    }

    async function finish(): Promise<PostOutcome> {
      // Bounded like the buffered post (runtime-api.ts): a Runtime API that fails the upload is fatal.
      let timer: NodeJS.Timeout | undefined;
      const silence = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${RESULT_ANSWER_TIMEOUT_MS} ms`)), RESULT_ANSWER_TIMEOUT_MS);
      });
      let res: http.IncomingMessage;
      try {
        res = await Promise.race([answer, silence]);
        res.resume();
        await Promise.race([once(res, 'end'), silence]);
      } catch (error) {
        req.destroy();
        throw unanswered('the streamed /response', error);
      } finally {
        clearTimeout(timer);
      }
      // The body is not read: the status is all Ferry acts on after a stream.
      return postOutcome(res.statusCode ?? 0, 'the streamed /response', '');
    }

    return {
      get broken() {
        return broken;
      },
      write(chunk) {
        if (broken || chunk.length === 0) return true;
        if (!batched && req.socket && !req.socket.connecting) {
          batched = req.socket;
          batched.cork();
          setImmediate(flushBatch);
        }
        return req.write(chunk);
      },
      async drained() {
        if (broken || !req.writableNeedDrain) return;
        await Promise.race([once(req, 'drain'), answered]);
      },
      async end() {
        flushBatch();
        req.end();
        return finish();
      },
      async fail(errorType, errorMessage) {
        const body = Buffer.from(JSON.stringify({ errorType, errorMessage, stackTrace: [] })).toString('base64');
        flushBatch();
        if (!broken) {
          req.addTrailers({ [ERROR_TYPE_TRAILER]: errorType, [ERROR_BODY_TRAILER]: body });
          req.end();
        }
        return finish();
      },
    };
  };
}
