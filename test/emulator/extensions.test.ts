import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../adapter/local/emulator/index.ts';
import { extensionNext, next, parked, registerExtension, respond, send, useEmulator } from './raw-client.ts';

const start = useEmulator();

async function register(e: Emulator, name: string, events: string[]): Promise<string> {
  const reply = await registerExtension(e, name, events);
  expect(reply.status).toBe(200);
  return String(reply.headers['lambda-extension-identifier']);
}

describe('POST /extension/register', () => {
  it('answers 200 with the identifier header and the function metadata, and records the registration', async () => {
    const e = await start({ functionName: 'shop', handler: 'index.handler' });
    const reply = await registerExtension(e, 'ferry', ['SHUTDOWN']);
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ functionName: 'shop', functionVersion: '$LATEST', handler: 'index.handler' });
    const id = reply.headers['lambda-extension-identifier'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await e.waitFor('extension-registered')).toEqual({ name: 'ferry', id, events: ['SHUTDOWN'] });
    expect(e.extensions).toEqual([{ name: 'ferry', id, events: ['SHUTDOWN'] }]);
  });

  it('refuses what the platform refuses, each with its Extension.* error type', async () => {
    const e = await start();
    const noName = await send(e, 'POST', '/2020-01-01/extension/register', { body: '{"events":[]}' });
    expect([noName.status, noName.json().errorType]).toEqual([403, 'Extension.InvalidExtensionName']);
    const badEvent = await registerExtension(e, 'a', ['INVOKE', 'START']);
    expect([badEvent.status, badEvent.json().errorType]).toEqual([403, 'Extension.InvalidEventType']);
    await register(e, 'a', ['INVOKE']);
    const duplicate = await registerExtension(e, 'a', []);
    expect([duplicate.status, duplicate.json().errorType]).toEqual([403, 'Extension.InvalidExtensionState']);
    for (let i = 2; i <= 10; i++) await register(e, `ext-${i}`, []);
    const eleventh = await registerExtension(e, 'ext-11', []);
    expect([eleventh.status, eleventh.json().errorType]).toEqual([403, 'Extension.TooManyExtensions']);
    const unknown = await extensionNext(e, '00000000-0000-0000-0000-000000000000');
    expect([unknown.status, unknown.json().errorType]).toEqual([403, 'Extension.UnknownExtensionIdentifier']);
    const missing = await send(e, 'GET', '/2020-01-01/extension/event/next');
    expect([missing.status, missing.json().errorType]).toEqual([403, 'Extension.MissingExtensionIdentifier']);
    expect(e.history.filter((h) => h.name === 'rejected')).toHaveLength(6);
  });

  it('closes registration once Init is over (the first /runtime/invocation/next)', async () => {
    const e = await start();
    parked(next(e));
    await e.waitFor('init-done');
    const late = await registerExtension(e, 'late', ['SHUTDOWN']);
    expect([late.status, late.json().errorType]).toEqual([403, 'Extension.RegistrationClosed']);
  });
});

describe('GET /extension/event/next', () => {
  it('delivers INVOKE to INVOKE subscribers at invocation start, with deadline, request id, ARN and tracing', async () => {
    const e = await start();
    const id = await register(e, 'watcher', ['INVOKE', 'SHUTDOWN']);
    const polled = extensionNext(e, id);
    const runtime = next(e);
    const invoked = e.invoke({}, { requestId: 'r1', traceId: 'Root=1-5e1b4151-5ac6c58f5b5daa6532e4f2e8;Parent=1;Sampled=1' });
    const d = await runtime;
    const reply = await polled;
    expect(reply.status).toBe(200);
    expect(reply.headers['lambda-extension-event-identifier']).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.json()).toEqual({
      eventType: 'INVOKE',
      deadlineMs: Number(d.headers['lambda-runtime-deadline-ms']),
      requestId: 'r1',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ferry-local',
      tracing: { type: 'X-Amzn-Trace-Id', value: 'Root=1-5e1b4151-5ac6c58f5b5daa6532e4f2e8;Parent=1;Sampled=1' },
    });
    await respond(e, d, 'ok');
    expect((await invoked).outcome).toBe('response');
  });

  it('holds the next invocation until every extension called next again (post-response work)', async () => {
    const e = await start();
    const id = await register(e, 'lease', ['INVOKE']);
    const firstPoll = extensionNext(e, id);
    const runtime = next(e);
    const first = e.invoke({}, { requestId: 'one' });
    const d1 = await runtime;
    expect((await firstPoll).json().requestId).toBe('one');
    await respond(e, d1, '1');
    // The invoker has its answer while the extension is still working.
    expect((await first).outcome).toBe('response');

    const runtimeAgain = next(e);
    const second = e.invoke({}, { requestId: 'two' });
    await e.waitFor(
      'runtime-next',
      undefined,
      3000,
      e.history.findIndex((h) => h.name === 'invocation-done'),
    );
    expect(e.snapshot()).toMatchObject({ queued: ['two'], runtimeWaiting: 1 });
    expect(e.snapshot().blockedBy).toMatch(/lease/);

    const secondPoll = extensionNext(e, id);
    const d2 = await runtimeAgain;
    expect(d2.requestId).toBe('two');
    expect((await secondPoll).json().requestId).toBe('two');
    await respond(e, d2, '2');
    expect((await second).payload.toString()).toBe('2');
    const names = e.history.map((h) => h.name);
    expect(names.lastIndexOf('extension-next')).toBeLessThan(names.lastIndexOf('invocation-delivered'));
  });

  it('resets the sandbox when an extension holds back its next past the deadline, then stops waiting for it', async () => {
    const e = await start();
    const id = await register(e, 'slowpoke', ['INVOKE']);
    const poll = extensionNext(e, id);
    const runtime = next(e);
    const first = e.invoke({}, { requestId: 'held', timeoutMs: 200 });
    const d = await runtime;
    await poll;
    await respond(e, d, 'answered in time');
    expect((await first).outcome).toBe('response');
    parked(next(e));
    const second = e.invoke({}, { requestId: 'after' });
    expect(await e.waitFor('sandbox-reset')).toEqual({ reason: 'timeout', requestId: 'held', afterResponse: true, releasedExtensions: ['slowpoke'] });
    await e.waitFor('invocation-delivered', (p: { requestId: string }) => p.requestId === 'after');
    void second;
  });

  it('delivers SHUTDOWN with its reason and deadline to SHUTDOWN subscribers only', async () => {
    const e = await start();
    const invokeOnly = await register(e, 'invoke-only', ['INVOKE']);
    const shutdownOnly = await register(e, 'shutdown-only', ['SHUTDOWN']);
    const quiet = parked(extensionNext(e, invokeOnly));
    const polled = extensionNext(e, shutdownOnly);
    await e.waitFor('extension-next', (p: { name: string }) => p.name === 'shutdown-only');
    const before = Date.now();
    await e.shutdown('spindown', 1500);
    const reply = await polled;
    expect(reply.json()).toMatchObject({ eventType: 'SHUTDOWN', shutdownReason: 'spindown' });
    expect(reply.json().deadlineMs).toBeGreaterThanOrEqual(before + 1500);
    expect(reply.json().deadlineMs).toBeLessThanOrEqual(Date.now() + 1500);
    expect(await e.waitFor('shutdown-delivered')).toMatchObject({ name: 'shutdown-only', reason: 'spindown' });
    expect(e.history.filter((h) => h.name === 'shutdown-delivered')).toHaveLength(1);
    expect(e.snapshot().extensions.find((x) => x.name === 'invoke-only')?.waiting).toBe(true);
    void quiet;
    await expect(e.invoke({})).rejects.toThrow(/shutting down/);
  });
});

describe('extension errors', () => {
  it('accepts /extension/init/error during Init and fails Init with it; /extension/exit/error is recorded', async () => {
    const e = await start();
    const id = await register(e, 'broken', ['SHUTDOWN']);
    const noType = await send(e, 'POST', '/2020-01-01/extension/init/error', { body: '{}', headers: { 'Lambda-Extension-Identifier': id } });
    expect([noType.status, noType.json().errorType]).toEqual([403, 'Extension.MissingHeader']);
    const reply = await send(e, 'POST', '/2020-01-01/extension/init/error', {
      body: JSON.stringify({ errorMessage: 'bad config', errorType: 'Extension.ConfigInvalid' }),
      headers: { 'Lambda-Extension-Identifier': id, 'Lambda-Extension-Function-Error-Type': 'Extension.ConfigInvalid' },
    });
    expect(reply.status).toBe(202);
    expect(await e.waitFor('init-error')).toMatchObject({ errorType: 'Extension.ConfigInvalid', extension: 'broken' });
    expect(e.initError).toMatchObject({ errorType: 'Extension.ConfigInvalid', extension: 'broken', body: { errorMessage: 'bad config' } });
    expect((await e.invoke({})).errorType).toBe('Extension.ConfigInvalid');

    const exit = await send(e, 'POST', '/2020-01-01/extension/exit/error', {
      body: '{"errorMessage":"bye"}',
      headers: { 'Lambda-Extension-Identifier': id, 'Lambda-Extension-Function-Error-Type': 'Extension.Exit' },
    });
    expect(exit.status).toBe(202);
    expect(await e.waitFor('extension-exit-error')).toMatchObject({ name: 'broken', errorType: 'Extension.Exit', body: { errorMessage: 'bye' } });
  });
});
