import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../adapter/local/emulator/index.ts';
import { next, NULS, parked, registerExtension, respond, send, stream, useEmulator } from './raw-client.ts';

const start = useEmulator();

const named = (e: Emulator, name: string) => e.history.filter((h) => h.name === name).map((h) => h.payload);

describe('invocation deadlines (on demand)', () => {
  it('resolves an unanswered invocation as timeout, resets the sandbox, and answers a late response with 410', async () => {
    const e = await start();
    const invoked = e.invoke({}, { requestId: 'slow', timeoutMs: 100 });
    const d = await next(e);
    const result = await invoked;
    expect(result).toMatchObject({ requestId: 'slow', outcome: 'timeout' });
    expect(named(e, 'sandbox-reset')).toMatchObject([{ reason: 'timeout', requestId: 'slow' }]);

    const late = await respond(e, d, 'too late');
    expect(late.status).toBe(410);
    expect(late.json().errorType).toBe('InvokeTimeout');
    expect(named(e, 'rejected')).toMatchObject([{ status: 410, requestId: 'slow' }]);

    // The emulator keeps the runtime (the real platform would start a new sandbox) and goes on.
    const again = e.invoke({}, { requestId: 'next' });
    const d2 = await next(e);
    expect(d2.requestId).toBe('next');
    await respond(e, d2, 'ok');
    expect((await again).outcome).toBe('response');
  });

  it('gives a stream cut by the deadline its prelude and the body bytes that arrived', async () => {
    const e = await start();
    const invoked = e.invoke({}, { timeoutMs: 500 });
    const d = await next(e);
    const uploading = send(e, 'POST', `/2018-06-01/runtime/invocation/${d.requestId}/response`, {
      // 'late' is written only once the invoker has its timeout.
      chunks: [Buffer.concat([Buffer.from('{"statusCode":200}'), NULS, Buffer.from('early')]), () => invoked, 'late'],
      headers: {
        'Lambda-Runtime-Invocation-Id': d.invocationId!,
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        'Content-Type': 'application/vnd.awslambda.http-integration-response',
      },
    });
    const result = await invoked;
    expect(result).toMatchObject({ outcome: 'timeout', streamed: true, prelude: { statusCode: 200 }, bodyBytes: 5 });
    expect(result.payload.toString()).toBe('early');
    expect((await uploading).status).toBe(410);
  });
});

describe('Lambda Managed Instances (maxConcurrency)', () => {
  it('hands each of N pending /next calls a different invocation, and refuses one more /next with 403', async () => {
    const e = await start({ maxConcurrency: 3 });
    const polls = [next(e), next(e), next(e)];
    await e.waitFor('runtime-next', (p: { pending: number }) => p.pending === 3);
    const over = await send(e, 'GET', '/2018-06-01/runtime/invocation/next');
    expect(over.status).toBe(403);
    expect(over.json().errorMessage).toMatch(/AWS_LAMBDA_MAX_CONCURRENCY is 3/);

    const invoked = ['a', 'b', 'c'].map((id) => e.invoke({ id }, { requestId: id }));
    const delivered = await Promise.all(polls);
    expect(delivered.map((d) => d.requestId).sort()).toEqual(['a', 'b', 'c']);
    expect(e.snapshot().inFlight.sort()).toEqual(['a', 'b', 'c']);
    // Answer in reverse order: each result gets its own answer.
    for (const d of [...delivered].reverse()) await respond(e, d, `answer ${d.event().id}`);
    const results = await Promise.all(invoked);
    expect(results.map((r) => r.payload.toString())).toEqual(['answer a', 'answer b', 'answer c']);
  });

  it('lets invocations stream concurrently', async () => {
    const e = await start({ maxConcurrency: 2 });
    const polls = [next(e), next(e)];
    const invoked = [e.invoke({}, { requestId: 'x' }), e.invoke({}, { requestId: 'y' })];
    const [dx, dy] = await Promise.all(polls);
    const head = Buffer.concat([Buffer.from('{"statusCode":200}'), NULS]);
    const replies = await Promise.all([stream(e, dx, [head, dx.requestId, '1']), stream(e, dy, [head, dy.requestId, '2'])]);
    expect(replies.map((r) => r.status)).toEqual([202, 202]);
    const results = await Promise.all(invoked);
    expect(results.map((r) => [r.requestId, r.payload.toString()])).toEqual([
      ['x', 'x1'],
      ['y', 'y2'],
    ]);
  });

  it('times out without a sandbox reset; a late response gets 410 and marks the result lateResponseRejected', async () => {
    const e = await start({ maxConcurrency: 2 });
    const invoked = e.invoke({}, { requestId: 'late', timeoutMs: 100 });
    const d = await next(e);
    const result = await invoked;
    expect(result.outcome).toBe('timeout');
    expect(named(e, 'sandbox-reset')).toEqual([]);
    // The runtime still owes it: the slot stays taken until it answers.
    expect(e.snapshot().inFlight).toEqual(['late']);

    const reply = await respond(e, d, 'sorry');
    expect(reply.status).toBe(410);
    expect(result.lateResponseRejected).toBe(true);
    expect(named(e, 'rejected')).toMatchObject([{ status: 410, errorType: 'InvokeTimeout', requestId: 'late' }]);
    expect(e.snapshot().inFlight).toEqual([]);
  });

  it('refuses an extension that subscribes to INVOKE with a clear 403, and accepts SHUTDOWN only', async () => {
    const e = await start({ maxConcurrency: 4 });
    const invoke = await registerExtension(e, 'ext', ['INVOKE', 'SHUTDOWN']);
    expect(invoke.status).toBe(403);
    expect(invoke.json()).toEqual({
      errorType: 'Extension.InvalidEventType',
      errorMessage: 'INVOKE: on Lambda Managed Instances an extension may subscribe to SHUTDOWN only',
    });
    expect((await registerExtension(e, 'ext', ['SHUTDOWN'])).status).toBe(200);
    parked(next(e));
  });
});
