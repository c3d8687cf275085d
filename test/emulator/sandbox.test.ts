import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../adapter/local/emulator/index.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../adapter/local/sandbox.ts';
import { procState, until } from './proc.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const EXTENSION = path.join(FIXTURES, 'extension.mjs');
const RUNTIME = { command: ['node', path.join(FIXTURES, 'runtime.mjs')], cwd: FIXTURES };

let emulator: Emulator | undefined;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.stop('spindown', { windowMs: 200 });
  await emulator?.close();
  sandbox = undefined;
  emulator = undefined;
});

async function launch(options: Partial<SandboxOptions> = {}, emulatorOptions: EmulatorOptions = {}): Promise<Sandbox> {
  emulator = await startEmulator(emulatorOptions);
  sandbox = await startSandbox({ emulator, runtime: RUNTIME, ...options });
  return sandbox;
}

const linesOf = (s: Sandbox, source: string) => s.logs.filter((l) => l.source === source).map((l) => l.line);

describe('startSandbox', () => {
  it('starts the runtime only after every extension registered, with the Lambda environment for each', async () => {
    const s = await launch({ extensions: [{ path: EXTENSION, env: { REGISTER_DELAY_MS: '300' } }] });
    const e = emulator!;
    await e.waitFor('init-done');
    const names = e.history.map((h) => `${h.name}${h.payload?.source ? `:${h.payload.source}` : ''}`);
    expect(names.indexOf('process-spawned:extension.mjs')).toBeLessThan(names.indexOf('extension-registered'));
    expect(names.indexOf('extension-registered')).toBeLessThan(names.indexOf('process-spawned:runtime'));
    expect(e.sandboxPids).toEqual(new Set(s.processes.map((p) => p.pid)));
    expect(s.runtime).toBe(s.processes[1]);

    // Extensions get no handler or task root; the runtime does. Both find the emulator.
    expect(linesOf(s, 'extension.mjs')[0]).toBe(`env _HANDLER=- LAMBDA_TASK_ROOT=- API=${e.address} INIT=on-demand`);
    expect(await s.waitForLog(/^runtime started/)).toBe(`runtime started _HANDLER=ferry LAMBDA_TASK_ROOT=${FIXTURES} MAX=- INIT=on-demand`);

    const result = await e.invoke({ hello: 'sandbox' }, { requestId: 'r-1' });
    expect(result.json()).toEqual({ requestId: 'r-1', event: { hello: 'sandbox' } });
    expect(await s.waitForLog(/^event INVOKE/)).toBe('event INVOKE r-1');
    expect(e.history.filter((h) => h.name === 'rejected')).toEqual([]);
  });

  it('stop() sends SIGTERM to the runtime and SHUTDOWN to the extensions, and reports their exit codes', async () => {
    const s = await launch({ extensions: [{ path: EXTENSION }] });
    await emulator!.waitFor('init-done');
    const stopped = await s.stop('spindown');
    expect(stopped).toEqual({
      exitCodes: { 'extension.mjs': 0, runtime: 0 },
      killed: [],
      signals: { 'extension.mjs': null, runtime: null },
    });
    expect(linesOf(s, 'runtime')).toContain('SIGTERM');
    expect(linesOf(s, 'extension.mjs')).toContain('event SHUTDOWN spindown');
    expect(await emulator!.waitFor('shutdown-delivered')).toMatchObject({ name: 'extension.mjs', reason: 'spindown' });
    expect(emulator!.sandboxPids.size).toBe(0);
    sandbox = undefined;
  });

  it('SIGKILLs whatever still runs when the shutdown window closes, and says which', async () => {
    const s = await launch({ extensions: [{ path: EXTENSION, env: { IGNORE_SHUTDOWN: '1' } }], runtime: { ...RUNTIME, env: { IGNORE_SIGTERM: '1' } } });
    await emulator!.waitFor('init-done');
    const stopped = await s.stop('timeout', { windowMs: 300 });
    expect(stopped.killed.sort()).toEqual(['extension.mjs', 'runtime']);
    expect(stopped.exitCodes).toEqual({ 'extension.mjs': null, runtime: null });
    expect(stopped.signals).toEqual({ 'extension.mjs': 'SIGKILL', runtime: 'SIGKILL' });
    expect(linesOf(s, 'extension.mjs')).toContain('event SHUTDOWN timeout');
    sandbox = undefined;
  });

  it('rejects with an error naming an extension that exits before registering, with its last lines, and starts no runtime', async () => {
    emulator = await startEmulator();
    const failing = startSandbox({ emulator, runtime: RUNTIME, extensions: [{ path: EXTENSION, env: { EXIT_BEFORE_REGISTER: '3' } }] });
    await expect(failing).rejects.toThrow(
      /extension extension\.mjs exited \(code 3, signal null\) before it registered\. Last output:\n.*cannot start: the config file is missing/s,
    );
    expect(emulator.history.some((h) => h.name === 'process-spawned' && h.payload.source === 'runtime')).toBe(false);
  });

  it('explains an extension that registers under another name than its file name', async () => {
    emulator = await startEmulator();
    const failing = startSandbox({ emulator, runtime: RUNTIME, registerTimeoutMs: 500, extensions: [{ path: EXTENSION, env: { EXT_NAME: 'other' } }] });
    await expect(failing).rejects.toThrow(
      /extension extension\.mjs did not register within 500 ms \(registered so far: other; the Lambda-Extension-Name must be the file name "extension\.mjs"\)/,
    );
    await emulator.waitFor('process-exit', (p: { source: string }) => p.source === 'extension.mjs');
  });

  it('puts Managed Instances in the environment when maxConcurrency is set', async () => {
    const s = await launch({ extensions: [{ path: EXTENSION, env: { EXT_EVENTS: 'SHUTDOWN' } }] }, { maxConcurrency: 4 });
    expect(await s.waitForLog(/^runtime started/)).toMatch(/MAX=4 INIT=lambda-managed-instances$/);
    expect(linesOf(s, 'extension.mjs')[0]).toMatch(/INIT=lambda-managed-instances$/);
    expect((await emulator!.invoke({ n: 1 })).json().event).toEqual({ n: 1 });
  });

  it('freezes the real processes between invocations and thaws them for the next one and for stop()', async () => {
    const s = await launch({ extensions: [{ path: EXTENSION }] }, { freeze: true });
    const e = emulator!;
    await e.waitFor('freeze');
    const pids = s.processes.map((p) => p.pid!);
    for (const pid of pids) await until(`${pid} is stopped`, () => procState(pid) === 'T');
    expect((await e.invoke({ n: 2 })).json().event).toEqual({ n: 2 });
    await e.waitFor(
      'freeze',
      undefined,
      3000,
      e.history.findIndex((h) => h.name === 'invocation-done'),
    );
    const stopped = await s.stop();
    expect(stopped.exitCodes).toEqual({ 'extension.mjs': 0, runtime: 0 });
    sandbox = undefined;
  });
});
