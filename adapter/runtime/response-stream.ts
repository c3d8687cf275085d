/**
 * The streaming `/response` upload (docs/lambda-protocol.md §2): a chunked request body written
 * as the app's bytes arrive, ended by the last chunk, or by error trailers after a failure.
 */
import type { HttpResponse } from '../http1/connection.ts';
import { createPool } from '../http1/pool.ts';
import { splitHostPort } from './extensions-api.ts';
import type { Invocation } from './invocation.ts';
import { RESULT_ANSWER_TIMEOUT_MS, RUNTIME_HEAD_LIMIT, postOutcome, resultHeaders, unanswered, type PostOutcome } from './runtime-api.ts';

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
  /**
   * Queue bytes for the upload; false means "wait for `drained()` before writing more".
   * `written` runs once the bytes are handed to the system (or dropped): `chunk` may be reused then.
   */
  write(chunk: Buffer, written?: () => void): boolean;
  /** Resolves once the Runtime API has taken what was queued (or the upload broke). */
  drained(): Promise<void>;
  /** End the upload normally. */
  end(): Promise<PostOutcome>;
  /** End the upload with error trailers; the body so far stays as it is. */
  fail(errorType: string, errorMessage: string): Promise<PostOutcome>;
  /** Set once the Runtime API connection failed; further writes are dropped. */
  readonly broken: Error | undefined;
}

function release(written: Array<(() => void) | undefined>): void {
  for (const done of written) done?.();
}

export function createStreamOpener(address: string): (invocation: Invocation) => ResponseStream {
  const [host, port] = splitHostPort(address);
  const pool = createPool(host, port, {
    idleTimeoutMs: Number.POSITIVE_INFINITY,
    maxHeadBytes: RUNTIME_HEAD_LIMIT,
    writableHighWaterMark: UPLOAD_HIGH_WATER_MARK,
  });
  return (invocation) => {
    const { connection, response } = pool.upload({
      method: 'POST',
      path: `/2018-06-01/runtime/invocation/${encodeURIComponent(invocation.requestId)}/response`,
      headers: {
        ...resultHeaders(invocation),
        'lambda-runtime-function-response-mode': 'streaming',
        trailer: `${ERROR_TYPE_TRAILER}, ${ERROR_BODY_TRAILER}`,
        'content-type': STREAM_CONTENT_TYPE,
      },
    });
    const { socket } = connection;
    let broken: Error | undefined;
    const onClose = () => (broken ??= new Error('the Runtime API closed the upload connection'));
    socket.once('close', onClose);
    // Settles when the Runtime API answered (or the upload failed): no 'drain' will come after it.
    const answered = response.then(
      () => undefined,
      (error: Error) => void (broken ??= error),
    );

    // What the app sent within one turn of the event loop (up to 32 socket reads) leaves as one
    // chunk in one writev right after the poll phase: nothing waits for more data, but a fast app
    // costs far fewer system calls and wake-ups.
    let batch: Buffer[] = [];
    let callbacks: Array<(() => void) | undefined> = [];
    let batchBytes = 0;
    let scheduled = false;
    function flush(): void {
      scheduled = false;
      if (batchBytes === 0) return;
      const chunks = batch;
      const written = callbacks;
      const bytes = batchBytes;
      batch = [];
      callbacks = [];
      batchBytes = 0;
      if (broken) return void release(written);
      socket.cork();
      socket.write(`${bytes.toString(16)}\r\n`, 'latin1');
      for (let i = 0; i < chunks.length; i++) socket.write(chunks[i]!, written[i]);
      socket.write('\r\n', 'latin1');
      socket.uncork();
    }

    async function finish(last: string): Promise<PostOutcome> {
      flush();
      if (!broken) socket.write(last, 'latin1');
      connection.sent();
      // Bounded like the buffered post (runtime-api.ts): a Runtime API that fails the upload is fatal.
      let timer: NodeJS.Timeout | undefined;
      const silence = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${RESULT_ANSWER_TIMEOUT_MS} ms`)), RESULT_ANSWER_TIMEOUT_MS);
      });
      let res: HttpResponse;
      try {
        res = await Promise.race([response, silence]);
        // The body is not kept: the status is all Ferry acts on after a stream.
        res.body.resume();
        await Promise.race([new Promise((resolve, reject) => res.body.once('end', resolve).once('error', reject)), silence]);
      } catch (error) {
        connection.destroy();
        throw unanswered('the streamed /response', error);
      } finally {
        clearTimeout(timer);
        socket.off('close', onClose);
      }
      return postOutcome(res.statusCode, 'the streamed /response', '');
    }

    return {
      get broken() {
        return broken;
      },
      write(chunk, written) {
        if (broken || chunk.length === 0) {
          written?.();
          return true;
        }
        batch.push(chunk);
        callbacks.push(written);
        batchBytes += chunk.length;
        if (batchBytes >= UPLOAD_HIGH_WATER_MARK) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
        return !socket.writableNeedDrain;
      },
      async drained() {
        flush();
        if (broken || !socket.writableNeedDrain) return;
        await new Promise<void>((resolve) => {
          const done = () => {
            socket.off('drain', done);
            resolve();
          };
          socket.on('drain', done);
          void answered.then(done);
        });
      },
      end: () => finish('0\r\n\r\n'),
      fail(errorType, errorMessage) {
        const body = Buffer.from(JSON.stringify({ errorType, errorMessage, stackTrace: [] })).toString('base64');
        return finish(`0\r\n${ERROR_TYPE_TRAILER}: ${errorType}\r\n${ERROR_BODY_TRAILER}: ${body}\r\n\r\n`);
      },
    };
  };
}
