/**
 * Writing to the client: a whole reply at once (buffered results and the front end's own
 * errors), or a streamed response relayed piece by piece as the function sends it.
 */
import type { ServerResponse } from 'node:http';
import type { StreamPrelude } from '../emulator/index.ts';
import type { GatewayReply } from './gateways.ts';
import { preludeHeaders, type HttpReply } from './result.ts';

/** Writes a complete reply; HEAD keeps the app's `content-length` and sends no body. */
export function writeReply(res: ServerResponse, reply: HttpReply | GatewayReply, method: string): void {
  const body = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body, 'utf8');
  const headers = { ...reply.headers };
  if (method !== 'HEAD' || headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  if ('statusMessage' in reply && reply.statusMessage) res.statusMessage = reply.statusMessage;
  res.writeHead(reply.statusCode, headers);
  res.end(method === 'HEAD' ? undefined : body);
}

export interface StreamRelay {
  /** The emulator's `onPrelude`: the status line and headers go to the client at once. */
  onPrelude(prelude: StreamPrelude): void;
  /** The emulator's `onBodyChunk`: each piece is written as it arrives. */
  onBodyChunk(chunk: Buffer): void | Promise<void>;
  /** True once anything of the stream reached the client (from then on, errors can only abort). */
  readonly started: boolean;
  readonly statusCode: number | undefined;
  /** Stop relaying: the front end already answered (integration timeout). */
  stop(): void;
}

export function createStreamRelay(res: ServerResponse): StreamRelay {
  let started = false;
  let stopped = false;
  let statusCode: number | undefined;

  const begin = (status: number, headers: Record<string, string | string[]>) => {
    started = true;
    statusCode = status;
    try {
      res.writeHead(status, headers);
    } catch {
      // A header value Node refuses (control characters): nothing valid can be sent any more.
      res.destroy();
      return;
    }
    // The status line and headers go out now, not with the first body byte: a client sees a
    // streamed response begin as soon as the function sends its prelude.
    res.flushHeaders();
  };

  return {
    onPrelude(prelude) {
      if (stopped || started) return;
      const status = Number.isInteger(prelude.statusCode) ? (prelude.statusCode as number) : 200;
      begin(status, preludeHeaders(prelude));
    },
    onBodyChunk(chunk) {
      if (stopped) return;
      // Body bytes without a prelude: the upload was not an HTTP integration response (no
      // prelude content type), which a Function URL passes on as an opaque body.
      if (!started) begin(200, { 'content-type': 'application/octet-stream' });
      // A slow client holds the upload back (and so the app), instead of filling memory here.
      if (!res.destroyed && !res.write(chunk))
        return new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
    },
    get started() {
      return started;
    },
    get statusCode() {
      return statusCode;
    },
    stop() {
      stopped = true;
    },
  };
}
