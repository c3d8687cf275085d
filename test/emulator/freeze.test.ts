import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../adapter/local/emulator/index.ts';
import { procState, until } from './proc.ts';
import { extensionNext, next, parked, registerExtension, respond } from './raw-client.ts';

let emulator: Emulator | undefined;
let ticker: ChildProcess | undefined;
afterEach(async () => {
  await emulator?.close();
  ticker?.kill('SIGKILL');
  emulator = undefined;
  ticker = undefined;
});

/** A real process that prints a tick every 5 ms: a sandbox process to freeze. */
async function startTicker(e: Emulator): Promise<{ pid: number; ticks: () => number }> {
  ticker = spawn(process.execPath, ['-e', 'let n = 0; setInterval(() => process.stdout.write(`${++n}\\n`), 5);'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let ticks = 0;
  ticker.stdout!.on('data', (c: Buffer) => (ticks += c.toString().split('\n').length - 1));
  const pid = ticker.pid!;
  e.sandboxPids.add(pid);
  await until('the ticker runs', () => ticks > 0);
  return { pid, ticks: () => ticks };
}

describe('the freeze simulation', () => {
  it('stops every sandbox process once everything waits on next, and resumes it before delivering the next invocation', async () => {
    const e = (emulator = await startEmulator({ freeze: true }));
    const { pid, ticks } = await startTicker(e);
    const poll = parked(next(e));
    expect(await e.waitFor('freeze')).toEqual({ pids: [pid] });
    await until('the ticker is stopped', () => procState(pid) === 'T');
    // Let the pipe hand over what was written before the stop, then no new tick may appear.
    await new Promise((r) => setTimeout(r, 20));
    const frozenAt = ticks();
    await new Promise((r) => setTimeout(r, 50));
    expect(ticks()).toBe(frozenAt);
    expect(e.snapshot().frozen).toBe(true);

    const invoked = e.invoke({ n: 1 });
    expect(await e.waitFor('thaw')).toEqual({ pids: [pid], reason: 'invoke' });
    await until('the ticker runs again', () => procState(pid) !== 'T' && ticks() > frozenAt);
    const d = await poll;
    const names = e.history.map((h) => h.name);
    expect(names.indexOf('thaw')).toBeLessThan(names.indexOf('invocation-delivered'));

    await respond(e, d, 'ok');
    await invoked;
    const mark = e.mark();
    parked(next(e));
    await e.waitFor('freeze', undefined, 3000, mark);
    await until('the ticker is stopped again', () => procState(pid) === 'T');
  });

  it('stays thawed while an extension holds back its next (post-response work), and freezes once it calls next', async () => {
    const e = (emulator = await startEmulator({ freeze: true }));
    const { pid } = await startTicker(e);
    const id = String((await registerExtension(e, 'lease', ['INVOKE'])).headers['lambda-extension-identifier']);
    const extensionPoll = extensionNext(e, id);
    const runtimePoll = next(e);
    await e.waitFor('freeze');

    const invoked = e.invoke({});
    const d = await runtimePoll;
    expect((await extensionPoll).json().eventType).toBe('INVOKE');
    await respond(e, d, 'ok');
    await invoked;
    const mark = e.mark();
    parked(next(e));
    await e.waitFor('runtime-next', undefined, 3000, mark);

    // The runtime waits, the extension does not: well past the settle delay, still thawed.
    await new Promise((r) => setTimeout(r, 100));
    expect(e.history.slice(mark).map((h) => h.name)).not.toContain('freeze');
    expect(e.snapshot().frozen).toBe(false);
    expect(procState(pid)).not.toBe('T');

    parked(extensionNext(e, id));
    await e.waitFor('freeze', undefined, 3000, mark);
    await until('the ticker is stopped', () => procState(pid) === 'T');
  });

  it('thaws before delivering SHUTDOWN and when the emulator closes', async () => {
    const e = (emulator = await startEmulator({ freeze: true }));
    const { pid } = await startTicker(e);
    parked(next(e));
    await e.waitFor('freeze');
    await until('the ticker is stopped', () => procState(pid) === 'T');
    await e.shutdown('spindown');
    expect(await e.waitFor('thaw')).toMatchObject({ reason: 'shutdown' });
    await until('the ticker runs', () => procState(pid) !== 'T');
  });
});
