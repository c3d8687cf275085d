/**
 * The front door on its own, in front of a scripted Lambda (a fake `invoke`): how each result,
 * stream and failure reaches the HTTP client. The real emulator and Ferry are in start-local.test.ts.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { InvokeOptions, InvokeResult } from '../../adapter/local/emulator/index.ts';
import { startFrontDoor, type FrontDoor, type LocalEventSource } from '../../adapter/local/front-door/index.ts';

type Script = (event: any, options: InvokeOptions) => Promise<Partial<InvokeResult>> | Partial<InvokeResult>;

let door: FrontDoor | undefined;
let lines: string[] = [];
let invocations = 0;

afterEach(async () => {
  await door?.close();
  door = undefined;
  lines = [];
  invocations = 0;
});

/** A front door whose Lambda answers with `script`. */
async function frontDoor(script: Script, event: LocalEventSource = 'function-url'): Promise<FrontDoor> {
  door = await startFrontDoor({
    port: 0,
    event,
    onLog: (line) => lines.push(line),
    invoke: async (raw, options = {}) => {
      invocations++;
      const fields = await script(JSON.parse(Buffer.from(raw as Buffer).toString('utf8')), options);
      return {
        requestId: 'r',
        outcome: 'response',
        streamed: false,
        payload: Buffer.alloc(0),
        trailers: {},
        bodyBytes: 0,
        timings: { invokedAt: 0, completedAt: 0 },
        json: () => undefined,
        ...fields,
      };
    },
  });
  return door;
}

const buffered = (result: unknown): Partial<InvokeResult> => ({ outcome: 'response', payload: Buffer.from(JSON.stringify(result)) });

interface Received {
  status: number;
  statusMessage: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A plain node:http request; `onChunk` sees every body piece as it arrives. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; onChunk?: (chunk: Buffer) => void } = {},
): Promise<Received> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        parts.push(chunk);
        options.onChunk?.(chunk);
      });
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode!, statusMessage: res.statusMessage!, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('buffered results', () => {
  it('a payload 2.0 result gives the client its status, headers, every cookie and the decoded body', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const { url } = await frontDoor(() =>
      buffered({
        statusCode: 201,
        headers: { 'content-type': 'image/png', 'x-a': '1, 2' },
        cookies: ['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT'],
        body: png.toString('base64'),
        isBase64Encoded: true,
      }),
    );
    const res = await send(`${url}/x`);
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-a']).toBe('1, 2');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT']);
    expect(res.body).toEqual(png);
    expect(lines).toEqual([expect.stringMatching(/^GET \/x 201 \d+ ms$/)]);
  });

  it('a REST result merges headers and multiValueHeaders, Set-Cookie repeated', async () => {
    const { url } = await frontDoor(
      () =>
        buffered({
          statusCode: 200,
          headers: { 'content-type': 'text/plain' },
          multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
          body: 'ok',
          isBase64Encoded: false,
        }),
      'rest-api-v1',
    );
    const res = await send(url);
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.body.toString()).toBe('ok');
  });

  it('an ALB result keeps its status description as the reason phrase', async () => {
    const { url } = await frontDoor(
      () => buffered({ statusCode: 418, statusDescription: "418 I'm a teapot", headers: {}, body: '', isBase64Encoded: false }),
      'alb',
    );
    const res = await send(url);
    expect([res.status, res.statusMessage]).toEqual([418, "I'm a teapot"]);
  });

  it('a HEAD answer keeps the content-length the app gave and has no body', async () => {
    const { url } = await frontDoor(() => buffered({ statusCode: 200, headers: { 'content-length': '1234' }, body: '', isBase64Encoded: false }));
    const res = await send(url, { method: 'HEAD' });
    expect(res.headers['content-length']).toBe('1234');
    expect(res.body.length).toBe(0);
  });

  it('payload 2.0 takes JSON without a statusCode as a 200 JSON body; REST calls it malformed (502)', async () => {
    const { url } = await frontDoor(() => buffered({ hello: 'world' }));
    const inferred = await send(url);
    expect([inferred.status, inferred.headers['content-type'], inferred.body.toString()]).toEqual([200, 'application/json', '{"hello":"world"}']);
    await door!.close();

    const rest = await frontDoor(() => buffered({ hello: 'world' }), 'rest-api-v1');
    const malformed = await send(rest.url);
    expect(malformed.status).toBe(502);
    expect(JSON.parse(malformed.body.toString())).toEqual({ message: 'Internal server error' });
  });
});

describe('failures, as the front end reports them', () => {
  it('an invocation error is a 502 Internal Server Error, and the log names the error', async () => {
    const { url } = await frontDoor(() => ({
      outcome: 'error',
      errorType: 'Ferry.AppConnectionFailed',
      payload: Buffer.from(JSON.stringify({ errorType: 'Ferry.AppConnectionFailed', errorMessage: 'The app did not answer' })),
    }));
    const res = await send(`${url}/boom`);
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body.toString())).toEqual({ message: 'Internal Server Error' });
    expect(lines[0]).toMatch(/^GET \/boom 502 \d+ ms \(invocation error Ferry\.AppConnectionFailed: The app did not answer\)$/);
  });

  it('a function timeout is the source’s function error (HTTP API: 500)', async () => {
    const { url } = await frontDoor(() => ({ outcome: 'timeout' }), 'http-api-v2');
    const res = await send(url);
    expect(res.status).toBe(500);
    expect(lines[0]).toContain('timed out');
  });

  it('a response over the limit is a 502 that says so', async () => {
    const { url } = await frontDoor(() => ({ outcome: 'error', errorType: 'Function.ResponseSizeTooLarge', tooLarge: true, payload: Buffer.alloc(0) }));
    const res = await send(url);
    expect(res.status).toBe(502);
    expect(res.body.toString()).toContain('exceeded maximum allowed payload size');
  });

  it('a request body over 6 MB is refused with 413 and never reaches Lambda', async () => {
    const { url } = await frontDoor(() => buffered({ statusCode: 200 }));
    const res = await send(url, { method: 'POST', body: Buffer.alloc(6 * 1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(invocations).toBe(0);
  });

  it('a body under 6 MB that base64 grows past Lambda’s limit is refused too', async () => {
    const { url } = await frontDoor(() => buffered({ statusCode: 200 }));
    const res = await send(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(5 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(invocations).toBe(0);
  });

  it('an ALB refuses request bodies over 1 MB and results over 1 MB', async () => {
    const { url } = await frontDoor(() => buffered({ statusCode: 200, body: 'x'.repeat(1024 * 1024), isBase64Encoded: false }), 'alb');
    expect((await send(url, { method: 'POST', body: Buffer.alloc(1024 * 1024 + 1) })).status).toBe(413);
    expect(invocations).toBe(0);
    expect((await send(url)).status).toBe(502);
  });
});

describe('streamed responses', () => {
  it('writes the prelude and each chunk to the client as they arrive', async () => {
    const order: string[] = [];
    let clientGotFirst!: () => void;
    const firstSeen = new Promise<void>((resolve) => (clientGotFirst = resolve));
    const { url } = await frontDoor(async (_event, options) => {
      options.onPrelude!({ statusCode: 200, headers: { 'content-type': 'text/plain' }, cookies: ['s=1', 't=2'] });
      options.onBodyChunk!(Buffer.from('first '), 0);
      await firstSeen;
      order.push('lambda sends the last chunk');
      options.onBodyChunk!(Buffer.from('last'), 0);
      return { outcome: 'response', streamed: true };
    });
    const res = await send(url, {
      onChunk: (chunk) => {
        order.push(`client got "${chunk.toString()}"`);
        clientGotFirst();
      },
    });
    expect(order.slice(0, 2)).toEqual(['client got "first "', 'lambda sends the last chunk']);
    expect(res.headers['set-cookie']).toEqual(['s=1', 't=2']);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.body.toString()).toBe('first last');
    expect(lines[0]).toMatch(/^GET \/ 200 \d+ ms \(streamed\)$/);
  });

  it('a stream that ends with an error trailer aborts the client connection, after logging it', async () => {
    const { url } = await frontDoor((_event, options) => {
      options.onPrelude!({ statusCode: 200, headers: {} });
      options.onBodyChunk!(Buffer.from('partial'), 0);
      return {
        outcome: 'error',
        streamed: true,
        errorType: 'Ferry.AppConnectionFailed',
        streamError: { errorType: 'Ferry.AppConnectionFailed', body: { errorMessage: 'broke off after 7 bytes' } },
      };
    });
    await expect(send(url)).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    expect(lines[0]).toMatch(/stream aborted: Ferry\.AppConnectionFailed: broke off after 7 bytes/);
  });
});
