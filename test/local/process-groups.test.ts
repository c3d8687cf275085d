/**
 * Nothing the app starts outlives `ferry local` or `startLocal().close()`, and the freeze reaches
 * the real server behind a wrapper: `sh -c 'node server.js'` and `npm start` run it as a
 * grandchild. Each test finds the real server's pid from its own answer, then checks /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocal, type LocalLambda } from '../../adapter/local/index.ts';
import { descendantsOf } from '../../adapter/local/sandbox/process-tree.ts';
import { isLive, procState, until } from '../emulator/proc.ts';
import { startFerry, type FerryUnderTest } from '../helpers/ferry.ts';
import { functionUrlEvent } from '../helpers/events.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Answers with its pid; exits on SIGTERM. */
const SIGNAL_APP = path.join(ROOT, 'test/packaging/fixtures/signal-app.mjs');

let lambda: LocalLambda | undefined;
let ferry: FerryUnderTest | undefined;
let cli: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await lambda?.close();
  await ferry?.close();
  cli?.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
  lambda = ferry = cli = dir = undefined;
});

async function serverPid(url: string): Promise<number> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return ((await res.json()) as { pid: number }).pid;
}

/** An `npm start` project whose start script runs the signal app: npm → sh → node. */
async function npmProject(): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-npm-start-'));
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'npm-start-app', private: true, scripts: { start: `node ${JSON.stringify(SIGNAL_APP)}` } }),
  );
  return dir;
}

describe('process groups', () => {
  it.each([
    ['sh -c', () => ({ command: ['sh', '-c', `node ${SIGNAL_APP}; echo after`], cwd: ROOT })],
    ['npm start', async () => ({ command: ['npm', 'start', '--silent'], cwd: await npmProject() })],
  ])('close() leaves nothing behind when a wrapper (%s) starts the app', async (_name, setup) => {
    const { command, cwd } = await setup();
    lambda = await startLocal({ command, cwd, port: 0, initTimeoutMs: 30_000 });
    const pid = await serverPid(lambda.url);
    const wrapper = lambda.sandbox.runtime.pid!;
    expect(pid).not.toBe(wrapper);
    const tree = descendantsOf([wrapper]);
    expect(tree).toContain(pid);
    await lambda.close();
    expect(tree.filter(isLive)).toEqual([]);
  });

  it('freezes the real server behind the wrapper between invocations, and thaws it for the next', async () => {
    lambda = await startLocal({ command: ['sh', '-c', `node ${SIGNAL_APP}; echo after`], cwd: ROOT, port: 0 });
    const pid = await serverPid(lambda.url);
    await lambda.emulator.waitFor('freeze', undefined, 5000, lambda.emulator.history.length - 1);
    await until('the real server is stopped', () => procState(pid) === 'T');
    expect(await serverPid(lambda.url)).toBe(pid);
  });

  it('runtime mode: Ferry takes the app’s whole group with it (ferry -- sh -c …)', async () => {
    ferry = await startFerry({ mode: 'runtime', app: ['sh', '-c', `node ${SIGNAL_APP}; echo after`], env: { IGNORE_SIGTERM: '1' } });
    const { pid } = JSON.parse((await ferry.invoke(functionUrlEvent())).json().body) as { pid: number };
    const tree = descendantsOf([ferry.ferryPid]);
    expect(tree).toContain(pid);
    // Only Ferry is signalled (not its app's group): Ferry must pass SIGTERM on and, when the
    // app ignores it, SIGKILL the group.
    process.kill(ferry.ferryPid, 'SIGTERM');
    await until('Ferry and its app are gone', () => tree.every((p) => !isLive(p)), 5000);
  });

  it('ferry local on SIGTERM leaves nothing behind (npm start)', async () => {
    const cwd = await npmProject();
    cli = spawn(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'local', '--port', '0', '--', 'npm', 'start', '--silent'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    cli.stdout!.on('data', (c: Buffer) => (stdout += c));
    cli.stderr!.resume();
    await until('ferry local is ready', () => /ready at http/.test(stdout), 30_000);
    const url = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
    const pid = await serverPid(url);
    const tree = descendantsOf([cli.pid!]);
    expect(tree).toContain(pid);
    const exited = new Promise<number | null>((resolve) => cli!.once('exit', resolve));
    cli.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(tree.filter(isLive)).toEqual([]);
  });
});
