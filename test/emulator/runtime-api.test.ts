import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../adapter/local/emulator/index.ts';
import { echo, next, parked, respond, send, useEmulator } from './raw-client.ts';

const start = useEmulator();

const rejections = (e: Emulator) => e.history.filter((h) => h.name === 'rejected').map((h) => h.payload);

describe('GET /runtime/invocation/next', () => {
  it('delivers the event bytes verbatim with every Lambda-Runtime header', async () => {
    const e = await start({ functionName: 'orders', timeoutMs: 7000 });
    const event = Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x0a, 0x7d]); // not even UTF-8
    const before = Date.now();
    const invoked = e.invoke(event, {
      requestId: 'req-1',
      traceId: 'Root=1-00000000-000000000000000000000001;Parent=0000000000000001;Sampled=1',
      clientContext: { client: { app_title: 'ünï' }, custom: { a: 1 } },
      cognitoIdentity: { cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' },
      tenantId: 'tenant-7',
      invocationId: 'nonce-1',
    });
    const d = await next(e);
    const after = Date.now();

    expect(d.body.equals(event)).toBe(true);
    expect(d.requestId).toBe('req-1');
    expect(d.headers['lambda-runtime-invoked-function-arn']).toBe('arn:aws:lambda:us-east-1:123456789012:function:orders');
    const deadline = Number(d.headers['lambda-runtime-deadline-ms']);
    expect(deadline).toBeGreaterThanOrEqual(before + 7000);
    expect(deadline).toBeLessThanOrEqual(after + 7000);
    expect(d.headers['lambda-runtime-trace-id']).toBe('Root=1-00000000-000000000000000000000001;Parent=0000000000000001;Sampled=1');
    expect(JSON.parse(String(d.headers['lambda-runtime-client-context']))).toEqual({ client: { app_title: 'ünï' }, custom: { a: 1 } });
    expect(JSON.parse(String(d.headers['lambda-runtime-cognito-identity']))).toEqual({ cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' });
    expect(d.headers['lambda-runtime-aws-tenant-id']).toBe('tenant-7');
    expect(d.invocationId).toBe('nonce-1');

    expect((await respond(e, d, 'done')).status).toBe(202);
    const result = await invoked;
    expect(result).toMatchObject({ requestId: 'req-1', outcome: 'response', streamed: false, bodyBytes: 4 });
    expect(result.payload.toString()).toBe('done');
    expect(result.timings.deliveredAt).toBeGreaterThanOrEqual(result.timings.invokedAt);
    expect(result.timings.completedAt).toBeGreaterThanOrEqual(result.timings.deliveredAt!);
  });

  it('leaves optional headers out, generates an X-Ray trace id, and sends a nonce unless told null', async () => {
    const e = await start();
    const invoked = e.invoke({ hello: 'world' }, { invocationId: null });
    const d = await next(e);
    expect(d.event()).toEqual({ hello: 'world' });
    expect(d.headers['lambda-runtime-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    for (const name of ['client-context', 'cognito-identity', 'aws-tenant-id', 'invocation-id']) {
      expect(d.headers[`lambda-runtime-${name}`]).toBeUndefined();
    }
    await respond(e, d, JSON.stringify({ ok: true }));
    expect((await invoked).json()).toEqual({ ok: true });

    const second = e.invoke('plain text');
    const d2 = await next(e);
    expect(d2.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(d2.body.toString()).toBe('plain text');
    await respond(e, d2, '');
    expect((await second).payload.length).toBe(0);
  });

  it('long-polls until an invocation exists; the first call ends Init', async () => {
    const e = await start();
    const polling = next(e);
    await e.waitFor('init-done');
    await e.waitFor('runtime-next');
    expect(e.snapshot()).toMatchObject({ initDone: true, runtimeWaiting: 1, queued: [] });
    const invoked = e.invoke({ n: 1 });
    const d = await polling;
    expect(d.event()).toEqual({ n: 1 });
    await respond(e, d, '1');
    await invoked;
    const names = e.history.map((h) => h.name);
    expect(names.indexOf('init-done')).toBeLessThan(names.indexOf('invocation-delivered'));
    expect(names.indexOf('invocation-delivered')).toBeLessThan(names.indexOf('invocation-done'));
  });

  it('delivers the next invocation only after the previous one is answered and /next is called again', async () => {
    const e = await start();
    const first = e.invoke('A', { requestId: 'A' });
    const second = e.invoke('B', { requestId: 'B' });
    const a = await next(e);
    expect(a.requestId).toBe('A');

    // A /next without answering A does not finish A: B waits.
    const early = next(e);
    await e.waitFor('runtime-next', undefined, 3000, e.history.findIndex((h) => h.name === 'invocation-delivered') + 1);
    expect(e.snapshot()).toMatchObject({ queued: ['B'], inFlight: ['A'] });
    expect(e.snapshot().blockedBy).toMatch(/A is not answered/);

    await respond(e, a, 'a');
    expect((await first).payload.toString()).toBe('a');
    const b = await early;
    expect(b.requestId).toBe('B');
    await respond(e, b, 'b');
    expect((await second).payload.toString()).toBe('b');
  });
});

describe('the invocation state machine', () => {
  it('answers 400 for an unknown request id and 403 for a second response, recording each as rejected', async () => {
    const e = await start();
    const invoked = e.invoke({});
    const d = await next(e);
    const unknown = await send(e, 'POST', '/2018-06-01/runtime/invocation/nope/response', { body: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toEqual({ errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });

    expect((await respond(e, d, 'first')).status).toBe(202);
    const again = await respond(e, d, 'second');
    expect(again.status).toBe(403);
    expect(again.json().errorType).toBe('InvalidStateTransition');
    const error = await send(e, 'POST', `/2018-06-01/runtime/invocation/${d.requestId}/error`, { body: '{}', headers: echo(d) });
    expect(error.status).toBe(403);

    expect((await invoked).payload.toString()).toBe('first');
    expect(rejections(e).map((r) => [r.status, r.errorType])).toEqual([
      [400, 'InvalidRequestID'],
      [403, 'InvalidStateTransition'],
      [403, 'InvalidStateTransition'],
    ]);
  });

  it('answers 413 past the buffered limit (read in full first); the invoker gets Function.ResponseSizeTooLarge', async () => {
    const e = await start({ bufferedLimitBytes: 1000 });
    const atLimit = e.invoke({});
    const d1 = await next(e);
    expect((await respond(e, d1, Buffer.alloc(1000, 0x61))).status).toBe(202);
    expect((await atLimit).payload.length).toBe(1000);

    const over = e.invoke({});
    const d2 = await next(e);
    const reply = await respond(e, d2, Buffer.alloc(1001, 0x61));
    expect(reply.status).toBe(413);
    expect(reply.json().errorType).toBe('RequestEntityTooLarge');
    const result = await over;
    expect(result).toMatchObject({ outcome: 'error', errorType: 'Function.ResponseSizeTooLarge', tooLarge: true, bodyBytes: 1001 });
    expect(result.json().errorMessage).toMatch(/1001 bytes.*1000 bytes/);
    expect(rejections(e)).toMatchObject([{ status: 413, requestId: d2.requestId }]);
  });

  it('ends an invocation with outcome error on /error, keeping the document and the error type header', async () => {
    const e = await start();
    const invoked = e.invoke({});
    const d = await next(e);
    const doc = { errorMessage: 'boom', errorType: 'Ferry.AppConnectionFailed', stackTrace: [] };
    const reply = await send(e, 'POST', `/2018-06-01/runtime/invocation/${d.requestId}/error`, {
      body: JSON.stringify(doc),
      headers: { ...echo(d), 'Lambda-Runtime-Function-Error-Type': 'Ferry.AppConnectionFailed' },
    });
    expect(reply.status).toBe(202);
    expect(reply.json()).toEqual({ status: 'OK' });
    const result = await invoked;
    expect(result).toMatchObject({ outcome: 'error', errorType: 'Ferry.AppConnectionFailed' });
    expect(result.json()).toEqual(doc);
  });

  it('checks the invocation-id echo: missing or wrong is a 400 and a rejected event, the right one is accepted', async () => {
    const e = await start();
    const invoked = e.invoke({}, { invocationId: 'nonce-42' });
    const d = await next(e);
    const path = `/2018-06-01/runtime/invocation/${d.requestId}/response`;
    const missing = await send(e, 'POST', path, { body: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.json().errorMessage).toMatch(/missing Lambda-Runtime-Invocation-Id/);
    const wrong = await send(e, 'POST', path, { body: 'x', headers: { 'Lambda-Runtime-Invocation-Id': 'nonce-41' } });
    expect(wrong.status).toBe(400);
    expect(wrong.json().errorMessage).toMatch(/does not match/);
    expect((await send(e, 'POST', path, { body: 'ok', headers: { 'Lambda-Runtime-Invocation-Id': 'nonce-42' } })).status).toBe(202);
    expect((await invoked).payload.toString()).toBe('ok');
    expect(rejections(e).map((r) => r.errorType)).toEqual(['InvalidInvocationId', 'InvalidInvocationId']);
  });
});

describe('POST /runtime/init/error', () => {
  it('is accepted during Init, returns the error to the first invocation and refuses /next afterwards', async () => {
    const e = await start();
    const reply = await send(e, 'POST', '/2018-06-01/runtime/init/error', {
      body: JSON.stringify({ errorMessage: 'no port', errorType: 'Ferry.ConfigError' }),
      headers: { 'Lambda-Runtime-Function-Error-Type': 'Ferry.ConfigError' },
    });
    expect(reply.status).toBe(202);
    expect(await e.waitFor('init-error')).toEqual({ errorType: 'Ferry.ConfigError', body: { errorMessage: 'no port', errorType: 'Ferry.ConfigError' } });
    expect(e.initError).toEqual({ errorType: 'Ferry.ConfigError', body: { errorMessage: 'no port', errorType: 'Ferry.ConfigError' } });

    const result = await e.invoke({});
    expect(result).toMatchObject({ outcome: 'error', errorType: 'Ferry.ConfigError' });
    expect(result.json().errorMessage).toBe('no port');
    expect((await send(e, 'GET', '/2018-06-01/runtime/invocation/next')).status).toBe(403);
  });

  it('is refused with 403 once Init is over', async () => {
    const e = await start();
    parked(next(e));
    await e.waitFor('init-done');
    const reply = await send(e, 'POST', '/2018-06-01/runtime/init/error', { body: '{}' });
    expect(reply.status).toBe(403);
    expect(reply.json().errorType).toBe('InvalidStateTransition');
    expect(e.initError).toBeUndefined();
  });
});

describe('bad input', () => {
  it('never crashes: 404 unknown paths, 405 wrong methods, 400 bad response mode, 403 malformed registration', async () => {
    const e = await start();
    expect((await send(e, 'GET', '/2018-06-01/runtime/nothing')).status).toBe(404);
    expect((await send(e, 'GET', '/')).status).toBe(404);
    const wrongMethod = await send(e, 'POST', '/2018-06-01/runtime/invocation/next', { body: '{}' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET');
    expect((await send(e, 'GET', '/2018-06-01/runtime/invocation/x/response')).status).toBe(405);
    const badJson = await send(e, 'POST', '/2020-01-01/extension/register', { body: '{nope', headers: { 'Lambda-Extension-Name': 'x' } });
    expect(badJson.status).toBe(403);
    expect(badJson.json().errorType).toBe('InvalidRequestFormat');

    const invoked = e.invoke({});
    const d = await next(e);
    const badMode = await send(e, 'POST', `/2018-06-01/runtime/invocation/${d.requestId}/response`, {
      body: 'x',
      headers: { ...echo(d), 'Lambda-Runtime-Function-Response-Mode': 'buffered' },
    });
    expect(badMode.status).toBe(400);
    expect(badMode.json().errorType).toBe('InvalidFunctionResponseMode');
    // Still working after all that.
    expect((await respond(e, d, 'fine')).status).toBe(202);
    expect((await invoked).payload.toString()).toBe('fine');
    expect(rejections(e).map((r) => r.status)).toEqual([404, 404, 405, 405, 403, 400]);
  });
});

describe('close()', () => {
  it('rejects unfinished invokes with a clear message and ends pending long polls', async () => {
    const e = await start();
    const polling = next(e);
    await e.waitFor('runtime-next');
    const delivered = e.invoke({}, { requestId: 'in-flight' });
    await polling;
    const queued = e.invoke({}, { requestId: 'queued' });
    const extension = send(e, 'GET', '/2020-01-01/extension/event/next');
    await e.close();
    await expect(delivered).rejects.toThrow('invocation in-flight did not complete: the emulator was closed first');
    await expect(queued).rejects.toThrow(/queued did not complete/);
    await expect(e.invoke({})).rejects.toThrow(/closed/);
    await extension.catch(() => undefined);
  });
});

describe('waitFor and the history', () => {
  it('resolves for events that already happened, waits for new ones with since, and times out with the recent events', async () => {
    const e = await start();
    parked(next(e));
    await e.waitFor('init-done');
    // Already in the history: resolves at once.
    expect(await e.waitFor('init-done', undefined, 50)).toEqual({});
    // Only events after the mark count.
    const mark = e.mark();
    await expect(e.waitFor('init-done', undefined, 50, mark)).rejects.toThrow(/waitFor\('init-done'\) timed out after 50 ms\. Last events:\n.*runtime-next/s);
    e.record('test-step', { n: 1 });
    expect(await e.waitFor('test-step', (p: { n: number }) => p.n === 1, 50, mark)).toEqual({ n: 1 });
  });
});
