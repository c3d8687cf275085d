/**
 * A deliberately raw HTTP client that plays the runtime or an extension against the emulator:
 * one fresh connection per call (no pool to hide anything), chunk-by-chunk uploads with real
 * HTTP trailers, and nothing parsed that a test might want to see as bytes.
 */
import http from 'node:http';
import { afterEach } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../adapter/local/emulator/index.ts';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json(): any;
}

export interface SendOptions {
  headers?: Record<string, string>;
  /** A whole body (sent with Content-Length). */
  body?: string | Buffer;
  /** A chunked body, written piece by piece with a pause between pieces; a function is a gate awaited in between. */
  chunks?: Array<string | Buffer | (() => Promise<unknown>)>;
  /** Real HTTP/1.1 trailers after the last chunk (needs `chunks`). */
  trailers?: Record<string, string>;
  /** Pause between chunks; default 2 ms. */
  gapMs?: number;
}

export function send(emulator: Emulator, method: string, path: string, options: SendOptions = {}): Promise<Reply> {
  const [host, port] = [emulator.address.slice(0, emulator.address.lastIndexOf(':')), Number(emulator.address.split(':').pop())];
  const headers: Record<string, string> = { ...options.headers };
  if (options.chunks) {
    headers['Transfer-Encoding'] = 'chunked';
    if (options.trailers) headers.Trailer = Object.keys(options.trailers).join(', ');
  }
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request({ host, port, method, path, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8'), json: () => JSON.parse(body.toString('utf8')) });
      });
    });
    req.on('error', reject);
    if (!options.chunks) {
      req.end(options.body);
      return;
    }
    const chunks = options.chunks;
    void (async () => {
      for (const chunk of chunks) {
        if (req.destroyed) return;
        if (typeof chunk === 'function') {
          await chunk();
          continue;
        }
        req.write(chunk);
        await new Promise((r) => setTimeout(r, options.gapMs ?? 2));
      }
      if (options.trailers) req.addTrailers(options.trailers);
      req.end();
    })();
  });
}

/** What a runtime gets from /next. */
export interface Delivered {
  requestId: string;
  invocationId?: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  event(): any;
}

const RUNTIME = '/2018-06-01/runtime';
const EXTENSION = '/2020-01-01/extension';

/** GET /runtime/invocation/next (long poll). */
export async function next(emulator: Emulator): Promise<Delivered> {
  const reply = await send(emulator, 'GET', `${RUNTIME}/invocation/next`);
  if (reply.status !== 200) throw new Error(`/next answered ${reply.status}: ${reply.text}`);
  return {
    requestId: String(reply.headers['lambda-runtime-aws-request-id']),
    invocationId: reply.headers['lambda-runtime-invocation-id'] as string | undefined,
    headers: reply.headers,
    body: reply.body,
    event: () => JSON.parse(reply.text),
  };
}

/** The invocation-id echo header, when one was delivered. */
export function echo(d: Delivered): Record<string, string> {
  return d.invocationId ? { 'Lambda-Runtime-Invocation-Id': d.invocationId } : {};
}

/** POST a buffered /response, echoing the nonce. */
export function respond(emulator: Emulator, d: Delivered, body: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return send(emulator, 'POST', `${RUNTIME}/invocation/${d.requestId}/response`, { body, headers: { ...echo(d), ...headers } });
}

/** POST a streamed /response: prelude, 8 NULs and body, already split into `chunks` by the caller. */
export function stream(emulator: Emulator, d: Delivered, chunks: Array<string | Buffer>, trailers?: Record<string, string>): Promise<Reply> {
  return send(emulator, 'POST', `${RUNTIME}/invocation/${d.requestId}/response`, {
    chunks,
    trailers,
    headers: {
      ...echo(d),
      'Lambda-Runtime-Function-Response-Mode': 'streaming',
      'Content-Type': 'application/vnd.awslambda.http-integration-response',
    },
  });
}

export const NULS = Buffer.alloc(8);

export function registerExtension(emulator: Emulator, name: string, events: string[]): Promise<Reply> {
  return send(emulator, 'POST', `${EXTENSION}/register`, {
    headers: { 'Lambda-Extension-Name': name, 'Content-Type': 'application/json' },
    body: JSON.stringify({ events }),
  });
}

/** GET /extension/event/next (long poll). */
export function extensionNext(emulator: Emulator, id: string): Promise<Reply> {
  return send(emulator, 'GET', `${EXTENSION}/event/next`, { headers: { 'Lambda-Extension-Identifier': id } });
}

/** A pending long poll the test will never see answered: keep its rejection (at close) quiet. */
export function parked<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** For a test file: returns `start`, and closes the emulator it started after each test. */
export function useEmulator(): (options?: EmulatorOptions) => Promise<Emulator> {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  return async (options = {}) => {
    emulator = await startEmulator(options);
    return emulator;
  };
}
