/**
 * What only inline mode has: the --import entry and its bare specifier, doing nothing outside
 * Lambda, one runtime among a process tree, and an app that never listens, listens elsewhere or
 * dies during Init. Everything Ferry does in both modes is in the shared suites (FERRY_MODES).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLocalArgs } from '../../adapter/cli/args.ts';
import { claimRuntime, RUNTIME_MARK } from '../../adapter/inline/claim.ts';
import { functionUrlEvent } from '../helpers/events.ts';
import { startEmulator } from '../../adapter/local/emulator/index.ts';
import { freePort } from '../../adapter/local/free-port.ts';
import { startSandbox } from '../../adapter/local/sandbox.ts';
import { inlineNodeOptions } from '../../adapter/local/locate-ferry.ts';
import { ECHO_APP, FERRY_BIN, FERRY_INLINE, ROOT, useFerry } from '../helpers/ferry.ts';
import { installNode } from '../helpers/node-runtime.ts';

const startFerry = useFerry();
const APP_THAT_PRINTS = "console.log('the app ran'); require('node:http').createServer().listen(0, function () { console.log('listening'); this.close(); })";

describe('inline Ferry outside Lambda', () => {
  it('does nothing at all without AWS_LAMBDA_RUNTIME_API: the app runs and exits as it would alone', () => {
    const env = { ...process.env };
    delete env.AWS_LAMBDA_RUNTIME_API;
    const run = spawnSync('node', ['--import', FERRY_INLINE, '-e', APP_THAT_PRINTS], { env, encoding: 'utf8', timeout: 10_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('the app ran\nlistening\n');
    expect(run.stderr).toBe('');
  });

  it("takes Node's built-ins without their ES module facades, so node:http's lazy WebSocket getters do not load Node's bundled undici", () => {
    // Node 22's node:http has those getters (Node 20's has none); an `import … from 'node:http'`
    // reads every export, the app's require('node:http') does not.
    const node22 = path.join(installNode('22'), 'node');
    const env = { ...process.env };
    delete env.AWS_LAMBDA_RUNTIME_API;
    const printUndici = "console.log(process.moduleLoadList.filter((m) => m.includes('undici')).join(',') || 'none')";
    const run = spawnSync(node22, ['--import', pathToFileURL(FERRY_INLINE).href, '-e', printUndici], { env, encoding: 'utf8', timeout: 10_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('none\n');
    // The same check sees undici where an ES import of node:http does load it.
    const esImport = spawnSync(node22, ['--input-type=module', '-e', `import 'node:http'; ${printUndici}`], { encoding: 'utf8', timeout: 10_000 });
    expect(esImport.stdout).not.toBe('none\n');
  });

  it('is one runtime per process tree: the first process claims it, its children see the mark', () => {
    const env: Record<string, string | undefined> = { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', LAMBDA_TASK_ROOT: '/var/task' };
    expect(claimRuntime(env, 41)).toBe(true);
    expect(env[RUNTIME_MARK]).toBe('41');
    expect(claimRuntime({ ...env }, 42)).toBe(false);
    expect(claimRuntime({}, 43)).toBe(false);
    // An extension (no _HANDLER, no LAMBDA_TASK_ROOT) loads the module through the function's NODE_OPTIONS too.
    expect(claimRuntime({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' }, 44)).toBe(false);
  });

  it('`ferry local --inline` asks startLocal for inline mode', () => {
    expect(parseLocalArgs(['--inline', '--', 'node', 'server.js'])).toMatchObject({ kind: 'run', options: { inline: true, command: ['node', 'server.js'] } });
    expect(parseLocalArgs(['--', 'node', 'server.js'])).toMatchObject({ kind: 'run', options: { command: ['node', 'server.js'] } });
    expect((parseLocalArgs(['--', 'node', 'server.js']) as { options: { inline?: boolean } }).options.inline).toBeUndefined();
  });
});

describe('inline Ferry inside Lambda', () => {
  it('loads as `node --import ferry-lambda/inline` (the package export) and serves the app with no extension registered', async () => {
    const emulator = await startEmulator();
    const port = await freePort();
    const sandbox = await startSandbox({
      emulator,
      runtime: { command: ['node', '--import', 'ferry-lambda/inline', ECHO_APP[1]!], cwd: ROOT },
      env: { PORT: String(port) },
    });
    try {
      await emulator.waitFor('init-done', undefined, 15_000);
      expect(emulator.extensions).toEqual([]);
      const result = await emulator.invoke(functionUrlEvent({ path: '/hello' }));
      expect(result.json().statusCode).toBe(200);
      expect(JSON.parse(result.json().body).url).toBe('/hello');
      const logs = sandbox.logs.map((l) => l.line);
      expect(logs.filter((l) => /^\[ferry\] INFO app ready .*readiness_ms=\d+/.test(l))).toHaveLength(1);
      expect(logs.filter((l) => l.includes('cold start'))).toHaveLength(1);
    } finally {
      await sandbox.stop();
      await emulator.close();
    }
  });

  it("with the layer and NODE_OPTIONS for the whole function, the layer's extension stays idle and the app process is the runtime", async () => {
    const emulator = await startEmulator();
    const port = await freePort();
    // Lambda gives the function's NODE_OPTIONS to extensions and the runtime alike.
    const sandbox = await startSandbox({
      emulator,
      extensions: [{ path: FERRY_BIN }],
      runtime: { command: ECHO_APP, cwd: ROOT },
      env: { PORT: String(port), NODE_OPTIONS: inlineNodeOptions(FERRY_BIN, undefined) },
    });
    try {
      await emulator.waitFor('init-done', undefined, 15_000);
      const result = await emulator.invoke(functionUrlEvent({ path: '/via-inline' }));
      expect(JSON.parse(result.json().body).url).toBe('/via-inline');
      const lines = (source: string) => sandbox.logs.filter((l) => l.source === source).map((l) => l.line);
      expect(lines('ferry')).toEqual([expect.stringContaining('this extension stays idle')]);
      expect(lines('runtime').filter((l) => l.includes('app ready'))).toHaveLength(1);
      const stopped = await sandbox.stop('spindown');
      expect(stopped.exitCodes.ferry).toBe(0);
    } finally {
      await sandbox.stop();
      await emulator.close();
    }
  });

  it('becomes the runtime in the first process only: a child started by the app carries the mark and stays silent', async () => {
    const ferry = await startFerry({ mode: 'inline', app: ['node', `${ROOT}/test/inline/fixtures/spawning-app.mjs`] });
    const answer = JSON.parse((await ferry.invoke(functionUrlEvent({ path: '/' }))).json().body);
    expect(answer.child.mark).toBe(String(answer.self));
    expect(answer.child.pid).not.toBe(answer.self);
    expect(ferry.ferryLogs().filter((l) => l.includes('app ready'))).toHaveLength(1);
  });

  it('reports an app that ends without listening as an Init error naming the port, without waiting for the readiness limit', async () => {
    const ferry = await startFerry({
      mode: 'inline',
      app: ['node', '-e', "console.log('done, no server')"],
      waitForInit: false,
      env: { FERRY_INIT_READINESS_TIMEOUT_MS: '20000' },
    });
    const error = await ferry.emulator.waitFor('init-error', undefined, 10_000);
    expect(error.errorType).toBe('Ferry.AppGone');
    expect(error.body.errorMessage).toContain(`:${ferry.port}`);
    const exit = await ferry.emulator.waitFor('process-exit', (e: { source: string; code: number | null }) => e.source === 'runtime', 5_000);
    expect(exit.code).toBe(1);
  });

  it('reports an app that listens on another port as an Init error naming both ports', async () => {
    const ferry = await startFerry({
      mode: 'inline',
      app: ['node', '-e', "require('node:http').createServer().listen(Number(process.env.OTHER_PORT), '127.0.0.1')"],
      waitForInit: false,
      env: { FERRY_INIT_READINESS_TIMEOUT_MS: '300', OTHER_PORT: String(await freePort()) },
    });
    const error = await ferry.emulator.waitFor('init-error', undefined, 10_000);
    expect(error.errorType).toBe('Ferry.AppNotReady');
    expect(error.body.errorMessage).toMatch(new RegExp(`has not listened on port ${ferry.port} \\(it listened on \\d+\\)\\)`));
  });

  it('lets a crash during Init end the process, as Lambda sees it, with a line saying what Init waited for', async () => {
    const ferry = await startFerry({ mode: 'inline', app: ['node', '-e', "throw new Error('the app broke at start')"], waitForInit: false });
    const exit = await ferry.emulator.waitFor('process-exit', (e: { source: string; code: number | null }) => e.source === 'runtime', 10_000);
    expect(exit.code).toBe(1);
    const logs = ferry.sandbox.logs.map((l) => l.line).join('\n');
    expect(logs).toContain('the app broke at start');
    expect(logs).toMatch(new RegExp(`the app process exited during Init before it listened on port ${ferry.port} code=1`));
  });

  it('reports a configuration error through /runtime/init/error', async () => {
    const ferry = await startFerry({ mode: 'inline', env: { AWS_LWA_INVOKE_MODE: 'sometimes' }, waitForInit: false });
    const error = await ferry.emulator.waitFor('init-error', undefined, 10_000);
    expect(error.errorType).toBe('Ferry.ConfigError');
    expect(error.body.errorMessage).toContain('AWS_LWA_INVOKE_MODE');
  });
});
