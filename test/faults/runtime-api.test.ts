/**
 * The Runtime API fails a result: it answers `/response` with nothing, a reset, bytes that are
 * not HTTP, or a 5xx. A fault-injecting proxy stands between Ferry and the real emulator
 * (which never misbehaves) and spoils only the `/response` call. Expected every time: a log line
 * that names the Runtime API and what it did, then Ferry exits non-zero so Lambda replaces the
 * sandbox, instead of hanging or blaming itself.
 */
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../adapter/local/emulator/index.ts';
import { freePort } from '../../adapter/local/free-port.ts';
import { startSandbox, type Sandbox } from '../../adapter/local/sandbox.ts';
import { functionUrlEvent } from '../helpers/events.ts';
import { ECHO_APP, FERRY_BIN, ROOT } from '../helpers/ferry.ts';

type Fault = 'silence' | 'reset' | 'garbage' | 'http-500' | 'reset-next';

/**
 * Forwards every call to the emulator, except that `POST …/response` gets `fault`; with
 * `reset-next` the result goes through and the `/next` after it is reset instead.
 */
async function faultyRuntimeApi(upstream: string, fault: Fault): Promise<{ address: string; close(): void }> {
  const [host, port] = upstream.split(':');
  let answered = false;
  const server = http.createServer((req, res) => {
    if (fault === 'reset-next' && req.url?.endsWith('/response')) answered = true;
    else if (fault === 'reset-next' && answered && req.url?.endsWith('/next')) return req.socket.resetAndDestroy();
    else if (req.method === 'POST' && req.url?.endsWith('/response')) {
      req.resume();
      return void req.once('end', () => {
        if (fault === 'reset') req.socket.resetAndDestroy();
        else if (fault === 'garbage') req.socket.end('this is not HTTP\r\n\r\n');
        else if (fault === 'http-500') res.writeHead(500, { 'content-type': 'application/json' }).end('{"errorType":"Runtime.Unknown"}');
        // silence: never answer
      });
    }
    const forward = http.request({ host, port: Number(port), method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function ferryBehind(fault: Fault, env: Record<string, string> = {}): Promise<{ emulator: Emulator; sandbox: Sandbox }> {
  const emulator = await startEmulator();
  cleanup.push(() => emulator.close());
  const proxy = await faultyRuntimeApi(emulator.address, fault);
  cleanup.push(() => proxy.close());
  // Runtime mode: Ferry is the function's process and talks only to the Runtime API.
  const sandbox = await startSandbox({
    emulator,
    runtime: { command: [FERRY_BIN, '--', ...ECHO_APP], cwd: ROOT },
    env: { PORT: String(await freePort()), AWS_LAMBDA_RUNTIME_API: proxy.address, ...env },
  });
  cleanup.push(() => sandbox.stop().catch(() => undefined));
  await emulator.waitFor('init-done', undefined, 30_000);
  return { emulator, sandbox };
}

describe('a Runtime API that fails the result', () => {
  it.each([
    ['answers nothing', 'silence', /did not answer \/response \(no answer within 5000 ms\)/],
    ['resets the connection', 'reset', /did not answer \/response \(.*(ECONNRESET|other side closed|socket)/],
    ['answers bytes that are not HTTP', 'garbage', /did not answer \/response \(.*(HTTP\/1\.1 protocol|Expected HTTP)/],
    ['answers HTTP 500', 'http-500', /Runtime API answered \/response with HTTP 500/],
    ['resets the next /next', 'reset-next', /Runtime API did not answer \/next \(.*(ECONNRESET|other side closed|socket)/],
  ] as const)('%s: Ferry logs it, naming the Runtime API, and exits non-zero', async (_what, fault, logged) => {
    const { emulator, sandbox } = await ferryBehind(fault);
    const exited = once(sandbox.runtime, 'exit');
    void emulator.invoke(functionUrlEvent({ path: '/x' }), { timeoutMs: 15_000 }).catch(() => undefined);
    const [code] = await exited;
    expect(code).toBe(1);
    const line = await sandbox.waitForLog(/fatal error/);
    expect(line).toMatch(/Runtime API/);
    expect(line).toMatch(logged);
    expect(sandbox.logs.map((l) => l.line).join('\n')).not.toMatch(/internal error/);
  });

  it('streamed: a Runtime API that answers nothing after the upload is logged and ends the sandbox', async () => {
    const { emulator, sandbox } = await ferryBehind('silence', { AWS_LWA_INVOKE_MODE: 'response_stream' });
    const exited = once(sandbox.runtime, 'exit');
    void emulator.invoke(functionUrlEvent({ path: '/x' }), { timeoutMs: 15_000 }).catch(() => undefined);
    const [code] = await exited;
    expect(code).toBe(1);
    expect(await sandbox.waitForLog(/fatal error/)).toMatch(/Runtime API did not answer the streamed \/response \(no answer within 5000 ms\)/);
  });
});
