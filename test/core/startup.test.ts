import { describe, expect, it } from 'vitest';
import { ROOT, useFerry } from '../helpers/ferry.ts';
import { functionUrlEvent } from '../helpers/events.ts';

const startFerry = useFerry();

describe('start-up', () => {
  it('registers as an extension before the app process is started, then serves the app', async () => {
    const ferry = await startFerry({ app: ['node', `${ROOT}/apps/fastify/server.js`] });
    const names = ferry.emulator.history.map((h) => h.name);
    expect(names.indexOf('extension-registered')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('extension-registered')).toBeLessThan(names.indexOf('init-done'));
    expect(ferry.emulator.extensions.map((e) => [e.name, e.events])).toEqual([['ferry', ['SHUTDOWN']]]);

    const result = await ferry.invoke(functionUrlEvent({ path: '/' }));
    expect(result.outcome).toBe('response');
    expect(result.json()).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(result.json().body)).toEqual({ hello: 'world', framework: 'fastify' });
    expect(ferry.ferryLogs().join('\n')).toMatch(/app ready .*register_ms=\d+/);
    // One line per cold start: init duration, readiness wait, proactive initialisation or not.
    expect(ferry.ferryLogs().filter((l) => l.includes('cold start'))).toEqual([
      expect.stringMatching(/cold start init_ms=\d+ readiness_ms=\d+ proactive_init=false/),
    ]);
  });

  it('waits for an app that starts late, logging progress every 2 s', async () => {
    const ferry = await startFerry({ env: { ECHO_START_DELAY_MS: '2300' } });
    expect(ferry.ferryLogs().some((l) => l.includes('waiting for the app'))).toBe(true);
    const result = await ferry.invoke(functionUrlEvent({ path: '/ping' }));
    expect(result.json().statusCode).toBe(200);
  });

  it('probes over TCP when AWS_LWA_READINESS_CHECK_PROTOCOL=tcp, without sending an HTTP request', async () => {
    const ferry = await startFerry({ env: { AWS_LWA_READINESS_CHECK_PROTOCOL: 'tcp', AWS_LWA_READINESS_CHECK_PATH: '/hang' } });
    const result = await ferry.invoke(functionUrlEvent({ path: '/after-tcp' }));
    expect(result.json().statusCode).toBe(200);
  });

  it('accepts a readiness path whose status is in AWS_LWA_READINESS_CHECK_HEALTHY_STATUS', async () => {
    const ferry = await startFerry({
      env: { AWS_LWA_READINESS_CHECK_PATH: '/status?code=418', AWS_LWA_READINESS_CHECK_HEALTHY_STATUS: '200-399,418' },
    });
    expect((await ferry.invoke(functionUrlEvent())).json().statusCode).toBe(200);
  });

  it('reports an app that never becomes healthy through /runtime/init/error and exits non-zero', async () => {
    const ferry = await startFerry({
      waitForInit: false,
      env: { AWS_LWA_READINESS_CHECK_PATH: '/status?code=503', FERRY_INIT_READINESS_TIMEOUT_MS: '600' },
    });
    const initError = await ferry.emulator.waitFor('init-error', undefined, 10_000);
    expect(JSON.stringify(initError)).toMatch(/Ferry\.AppNotReady/);
    expect(JSON.stringify(initError)).toMatch(/HTTP 503 is not a healthy status/);
    const exit = await ferry.sandbox.stop();
    expect(Object.values(exit.exitCodes)).toContain(1);
  });

  it('does not stall on a readiness probe that hangs: each probe has its own timeout', async () => {
    const ferry = await startFerry({
      waitForInit: false,
      env: { AWS_LWA_READINESS_CHECK_PATH: '/hang', FERRY_READINESS_PROBE_TIMEOUT_MS: '100', FERRY_INIT_READINESS_TIMEOUT_MS: '2500' },
    });
    const initError = await ferry.emulator.waitFor('init-error', undefined, 10_000);
    expect(JSON.stringify(initError)).toMatch(/no answer within 100 ms/);
    // Probes kept going (one progress line at 2 s) instead of hanging on the first.
    expect(ferry.ferryLogs().some((l) => l.includes('waiting for the app'))).toBe(true);
  });

  it('finishes Init without the app under AWS_LWA_ASYNC_INIT and keeps waiting inside the first invocation', async () => {
    const ferry = await startFerry({
      env: { AWS_LWA_ASYNC_INIT: 'true', FERRY_INIT_READINESS_TIMEOUT_MS: '200', ECHO_START_DELAY_MS: '1200' },
    });
    expect(ferry.ferryLogs().join('\n')).toMatch(/app not ready yet/);
    const result = await ferry.invoke(functionUrlEvent({ path: '/late' }), { timeoutMs: 10_000 });
    expect(result.json().statusCode).toBe(200);
  });
});

describe('configuration errors', () => {
  it('reports every invalid setting through /runtime/init/error and exits non-zero', async () => {
    const ferry = await startFerry({
      waitForInit: false,
      env: { AWS_LWA_PORT: 'abc', AWS_LWA_READINESS_CHECK_PROTOCOL: 'udp', AWS_LWA_READINESS_CHECK_HEALTHY_STATUS: '200-abc' },
    });
    const initError = await ferry.emulator.waitFor('init-error', undefined, 10_000);
    const text = JSON.stringify(initError);
    expect(text).toMatch(/Ferry\.ConfigError/);
    expect(text).toMatch(/AWS_LWA_PORT must be an integer 1-65535; got 'abc'/);
    expect(text).toMatch(/AWS_LWA_READINESS_CHECK_PROTOCOL must be one of http, tcp; got 'udp'/);
    expect(text).toMatch(/AWS_LWA_READINESS_CHECK_HEALTHY_STATUS/);
    const exit = await ferry.sandbox.stop();
    expect(Object.values(exit.exitCodes)).toContain(1);
  });
});

describe('logs', () => {
  it('writes JSON lines with AWS_LAMBDA_LOG_FORMAT=JSON, and nothing per successful request', async () => {
    const ferry = await startFerry({ env: { AWS_LAMBDA_LOG_FORMAT: 'JSON' } });
    for (let i = 0; i < 5; i++) expect((await ferry.invoke(functionUrlEvent({ path: `/quiet/${i}` }))).json().statusCode).toBe(200);
    const lines = ferry.ferryLogs();
    expect(lines.length).toBeGreaterThan(0);
    const records = lines.map((line) => JSON.parse(line));
    expect(records.map((r) => r.message)).toEqual(['app ready', 'cold start']);
    for (const record of records) expect(record).toMatchObject({ level: 'INFO', logger: 'ferry', timestamp: expect.any(String) });
  });

  it('logs only warnings and errors with AWS_LAMBDA_LOG_LEVEL=WARN', async () => {
    const ferry = await startFerry({ env: { AWS_LAMBDA_LOG_LEVEL: 'WARN' } });
    await ferry.invoke(functionUrlEvent({ path: '/reset' }));
    expect(ferry.ferryLogs()).toEqual([expect.stringMatching(/^\[ferry\] ERROR the app connection failed/)]);
  });
});
