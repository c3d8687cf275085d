/**
 * A Lambda Web Adapter user's settings, headers and events, through the real built adapter and
 * the emulator (issue 16). Each test fails against Ferry before LWA's meanings were adopted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../helpers/events.ts';
import { useFerry, type FerryUnderTest } from '../helpers/ferry.ts';

const start = useFerry();

/** Ferry's Init ends either way: resolves with the init error, or undefined when Init completed. */
async function initOutcome(ferry: FerryUnderTest, timeoutMs = 30_000): Promise<{ errorType: string; body: { errorMessage: string } } | undefined> {
  return Promise.race([
    ferry.emulator.waitFor('init-done', undefined, timeoutMs).then(() => undefined),
    ferry.emulator.waitFor('init-error', undefined, timeoutMs),
  ]);
}

const echoOf = (result: { json(): any }) => JSON.parse(Buffer.from(result.json().body, result.json().isBase64Encoded ? 'base64' : 'utf8').toString());
const warnings = (ferry: FerryUnderTest) => ferry.ferryLogs().filter((l) => l.includes('WARN'));

describe('enumerated values, in any case', () => {
  it('AWS_LWA_INVOKE_MODE=RESPONSE_STREAM and AWS_LWA_READINESS_CHECK_PROTOCOL=TCP start and stream', async () => {
    const ferry = await start({ env: { AWS_LWA_INVOKE_MODE: 'RESPONSE_STREAM', AWS_LWA_READINESS_CHECK_PROTOCOL: 'TCP' }, waitForInit: false });
    expect(await initOutcome(ferry)).toBeUndefined();
    const result = await ferry.invoke(functionUrlEvent({ path: '/hello' }));
    expect(result.streamed).toBe(true);
    expect(result.prelude?.statusCode).toBe(200);
  });

  it('an unknown value is still a clear Init error naming the setting', async () => {
    const ferry = await start({ env: { AWS_LWA_INVOKE_MODE: 'stream' }, waitForInit: false });
    const error = await initOutcome(ferry);
    expect(error?.errorType).toBe('Ferry.ConfigError');
    expect(error?.body.errorMessage).toContain("AWS_LWA_INVOKE_MODE must be one of buffered, response_stream; got 'stream'");
  });
});

describe("LWA's deprecated unprefixed names", () => {
  it('are honoured, with one warning each naming the new name', async () => {
    const ferry = await start({ env: { REMOVE_BASE_PATH: '/api', ASYNC_INIT: 'false', HOST: '127.0.0.1' } });
    expect(echoOf(await ferry.invoke(functionUrlEvent({ path: '/api/users' }))).url).toBe('/users');
    const lines = warnings(ferry);
    for (const [old, current] of [
      ['REMOVE_BASE_PATH', 'AWS_LWA_REMOVE_BASE_PATH'],
      ['ASYNC_INIT', 'AWS_LWA_ASYNC_INIT'],
      ['HOST', 'AWS_LWA_HOST'],
    ]) {
      expect(
        lines.filter((l) => l.includes(`${old} is deprecated`) && l.includes(current)),
        old,
      ).toHaveLength(1);
    }
  });

  it('READINESS_CHECK_PATH is where readiness is probed', async () => {
    const ferry = await start({ env: { READINESS_CHECK_PATH: '/status?code=503', FERRY_INIT_READINESS_TIMEOUT_MS: '1000' }, waitForInit: false });
    const error = await initOutcome(ferry);
    expect(error?.errorType).toBe('Ferry.AppNotReady');
    expect(error?.body.errorMessage).toContain('503');
  });

  it('the prefixed name wins when both are set, and the old one is reported as ignored', async () => {
    const ferry = await start({
      env: { READINESS_CHECK_PATH: '/status?code=503', AWS_LWA_READINESS_CHECK_PATH: '/', FERRY_INIT_READINESS_TIMEOUT_MS: '3000' },
      waitForInit: false,
    });
    expect(await initOutcome(ferry)).toBeUndefined();
    expect(
      warnings(ferry).filter((l) => l.includes('READINESS_CHECK_PATH is deprecated') && l.includes('ignored because AWS_LWA_READINESS_CHECK_PATH is set')),
    ).toHaveLength(1);
  });
});

describe('AWS_LWA_READINESS_CHECK_MIN_UNHEALTHY_STATUS (LWA 0.9.x)', () => {
  it('makes statuses from it on unhealthy (400: a 404 is not ready), with a warning', async () => {
    const ferry = await start({
      env: { AWS_LWA_READINESS_CHECK_MIN_UNHEALTHY_STATUS: '400', AWS_LWA_READINESS_CHECK_PATH: '/status?code=404', FERRY_INIT_READINESS_TIMEOUT_MS: '1000' },
      waitForInit: false,
    });
    const error = await initOutcome(ferry);
    expect(error?.errorType).toBe('Ferry.AppNotReady');
    expect(error?.body.errorMessage).toContain('404');
    expect(warnings(ferry).filter((l) => l.includes('AWS_LWA_READINESS_CHECK_HEALTHY_STATUS=100-399'))).toHaveLength(1);
  });
});

describe('the tenant id', () => {
  it("reaches the app as x-amz-tenant-id (LWA's name), and a client's copies are dropped", async () => {
    const ferry = await start();
    const event = functionUrlEvent({ path: '/t', headers: { 'x-amz-tenant-id': 'spoofed', 'x-amzn-tenant-id': 'spoofed' } });
    const headers = echoOf(await ferry.invoke(event, { tenantId: 'tenant-42' })).headers;
    expect(headers['x-amz-tenant-id']).toBe('tenant-42');
    expect(headers['x-amzn-tenant-id']).toBeUndefined();
    expect(JSON.parse(headers['x-amzn-lambda-context']).tenant_id).toBe('tenant-42');
  });
});

describe('AWS_LWA_LAMBDA_RUNTIME_API_PROXY', () => {
  let proxy: http.Server | undefined;
  afterEach(async () => {
    proxy?.closeAllConnections();
    await new Promise((resolve) => proxy?.close(resolve) ?? resolve(undefined));
  });

  it('sends the Runtime API calls through the proxy and registers the extension with the real AWS_LAMBDA_RUNTIME_API', async () => {
    // A forwarding proxy, as Datadog's layer runs one: it learns the emulator's address once it exists.
    let setTarget!: (address: string) => void;
    const target = new Promise<string>((resolve) => (setTarget = resolve));
    const seen: string[] = [];
    proxy = http.createServer(async (req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const [host, port] = (await target).split(':');
      const upstream = http.request({ host, port: Number(port), method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
    const proxyAddress = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    const ferry = await start({ env: { AWS_LWA_LAMBDA_RUNTIME_API_PROXY: proxyAddress }, waitForInit: false });
    setTarget(ferry.emulator.address);
    expect(await initOutcome(ferry)).toBeUndefined();
    const result = await ferry.invoke(functionUrlEvent({ path: '/through-the-proxy' }), { requestId: 'req-via-proxy' });
    expect(echoOf(result).url).toBe('/through-the-proxy');

    expect(seen).toContain('GET /2018-06-01/runtime/invocation/next');
    expect(seen).toContain('POST /2018-06-01/runtime/invocation/req-via-proxy/response');
    expect(seen.filter((s) => s.includes('/2020-01-01/extension/'))).toEqual([]);
    expect(ferry.emulator.history.some((h) => h.name === 'extension-registered')).toBe(true);
  });
});

describe('AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS', () => {
  // Answers with how many connections it has accepted so far.
  const countingApp = [
    'node',
    '-e',
    "let n=0;const s=require('node:http').createServer((q,r)=>{r.writeHead(200,{'content-type':'application/json'});r.end(JSON.stringify({connections:n}))});s.on('connection',()=>n++);s.listen(Number(process.env.PORT),'127.0.0.1')",
  ];
  const connectionsSeen = async (ferry: FerryUnderTest) => echoOf(await ferry.invoke(functionUrlEvent({ path: '/n' }))).connections as number;

  it('0 opens a new connection to the app for every request', async () => {
    const ferry = await start({ app: countingApp, env: { AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS: '0' } });
    const counts = [await connectionsSeen(ferry), await connectionsSeen(ferry), await connectionsSeen(ferry)];
    expect(counts[1]).toBe(counts[0]! + 1);
    expect(counts[2]).toBe(counts[1]! + 1);
  });

  it('by default an idle connection is reused', async () => {
    const ferry = await start({ app: countingApp });
    const counts = [await connectionsSeen(ferry), await connectionsSeen(ferry), await connectionsSeen(ferry)];
    expect(new Set(counts).size).toBe(1);
  });
});

describe('Init on Lambda Managed Instances', () => {
  it('waits longer than the on-demand 9.8 s for the app', async () => {
    const ferry = await start({ env: { AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances', ECHO_START_DELAY_MS: '10500' }, waitForInit: false });
    expect(await initOutcome(ferry, 25_000)).toBeUndefined();
    expect((await ferry.invoke(functionUrlEvent({ path: '/late' }))).json().statusCode).toBe(200);
  }, 30_000);
});

describe('API Gateway streaming "completion" invocations', () => {
  it.each(['Success', 'Failure'])('%s is acknowledged with an empty result and one debug line, never sent to the app', async (status) => {
    // A pass-through path the app does not serve, as for most LWA apps: forwarding would be an Error.
    const ferry = await start({
      env: { AWS_LWA_PASS_THROUGH_PATH: '/status?code=404', AWS_LAMBDA_LOG_LEVEL: 'DEBUG', AWS_LWA_INVOKE_MODE: 'response_stream' },
    });
    const result = await ferry.invoke({ invokeCompletionStatus: status, requestId: 'c0ffee-1' });
    expect(result.outcome).toBe('response');
    expect(result.payload.length).toBe(0);
    // The line travels through a pipe and may land after the result.
    await ferry.sandbox.waitForLog(/stream completion/);
    expect(ferry.ferryLogs().filter((l) => l.includes('stream completion'))).toHaveLength(1);
  });
});
