/**
 * What Lambda does with a streamed response, and the local path doing the same
 * (docs/streaming-on-lambda.md): a client that goes away does not stop the function, which
 * streams on to its end; a prelude's Content-Length never reaches the client as the framing.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startFrontDoor, type FrontDoor } from '../../adapter/local/front-door/index.ts';
import { startLocal, type LocalLambda } from '../../adapter/local/index.ts';
import { until } from '../emulator/proc.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP = ['node', path.join(ROOT, 'test/local/fixtures/slow-stream-app.mjs')];

let lambda: LocalLambda | undefined;
let door: FrontDoor | undefined;
afterEach(async () => {
  await lambda?.close();
  await door?.close();
  lambda = door = undefined;
});

describe('streamed responses as Lambda handles them', () => {
  it('a client that walks away mid-stream: the function streams on to its end, as on AWS, and the next request is served', async () => {
    lambda = await startLocal({ command: APP, port: 0, invokeMode: 'response_stream' });
    const controller = new AbortController();
    const res = await fetch(`${lambda.url}/walk-away`, { signal: controller.signal });
    const first = await res.body!.getReader().read();
    expect(Buffer.from(first.value!).toString()).toMatch(/^chunk0/);
    controller.abort();

    // The app's request was not aborted: Lambda gives the function no sign that the client left.
    expect(await lambda.sandbox.waitForLog(/slow-stream \/walk-away done/, 10_000)).toBe('slow-stream /walk-away done, aborted=false');
    const done = await lambda.emulator.waitFor<{ outcome: string }>('invocation-done', undefined, 5000);
    expect(done.outcome).toBe('response');
    await until('the front door logged the exchange', () => lambda!.logs.some((l) => l.source === 'lambda' && l.line.startsWith('GET /walk-away')));
    expect(lambda.logs.find((l) => l.line.startsWith('GET /walk-away'))!.line).toMatch(/the client went away before the end, and the function ran on to it/);

    const next = await fetch(`${lambda.url}/next`);
    expect(next.status).toBe(200);
    expect((await next.text()).length).toBe(25 * 6);
    // The app's Content-Length is not passed on: Lambda frames a stream anew (chunked).
    expect(next.headers.get('content-length')).toBeNull();
  });

  it('a prelude’s Content-Length reaches the client renamed, as x-amzn-remapped-content-length', async () => {
    door = await startFrontDoor({
      port: 0,
      event: 'function-url',
      invoke: async (_raw, options = {}) => {
        options.onPrelude!({ statusCode: 200, headers: { 'content-type': 'text/plain', 'content-length': '5' } });
        await options.onBodyChunk!(Buffer.from('hello'), 0);
        return {
          requestId: 'r',
          outcome: 'response',
          streamed: true,
          payload: Buffer.alloc(0),
          trailers: {},
          bodyBytes: 5,
          timings: { invokedAt: 0, completedAt: 0 },
          json: () => undefined,
        };
      },
    });
    const res = await fetch(door.url);
    expect(await res.text()).toBe('hello');
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('x-amzn-remapped-content-length')).toBe('5');
  });
});
