import type { IncomingMessage } from 'node:http';
import { createBodySink, type BodySinkOptions, type BodySummary } from './body-sink.ts';

/** A single request header value (the first, if repeated). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Read a whole request body through a sink (bounded storage, counted and hashed).
 * `aborted` when the client went away before the end.
 */
export function readBody(req: IncomingMessage, options: BodySinkOptions): Promise<{ body: BodySummary; aborted: boolean }> {
  const sink = createBodySink(options);
  return new Promise((resolve) => {
    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      resolve({ body: sink.finish(), aborted });
    };
    req.on('data', (chunk: Buffer) => sink.push(chunk));
    req.on('end', () => finish(false));
    req.on('close', () => finish(!req.complete));
    // An aborted upload may also surface as an 'error'; 'close' follows and reports it.
    req.on('error', () => {});
  });
}

/** Parse a small JSON body; the raw text when it is not JSON (error documents may be anything). */
export function jsonOrText(bytes: Buffer): any {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
