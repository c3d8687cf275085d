/**
 * The V8 flags Ferry sets on its own process (layer/node-flags.mjs) reach the running Ferry
 * however Lambda starts it (the file itself, through its first lines: as an extension, and as the
 * function's process in runtime mode), and stay out of the app Ferry serves.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FERRY_NODE_FLAGS } from '../../layer/node-flags.mjs';
import { functionUrlEvent } from '../helpers/events.ts';
import { FERRY_BIN, ROOT, startFerry, type FerryUnderTest } from '../helpers/ferry.ts';

const PID_APP = ['node', path.join(ROOT, 'test/packaging/fixtures/signal-app.mjs')];
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

let ferry: FerryUnderTest | undefined;
afterEach(async () => {
  await ferry?.close();
  ferry = undefined;
});

describe("Ferry's own V8 flags", () => {
  it('are set, in the first lines of the built executable', () => {
    expect(FERRY_NODE_FLAGS).toContain('--max-semi-space-size=2');
    const [first, second] = readFileSync(FERRY_BIN, 'utf8').split('\n');
    expect(first).toBe('#!/bin/sh');
    expect(second).toBe(`":" //; exec node ${FERRY_NODE_FLAGS.join(' ')} "$0" "$@"`);
  });

  it.each(['extension', 'runtime'] as const)('reach the Ferry process started in %s mode, and not the app', async (mode) => {
    ferry = await startFerry({ mode, app: PID_APP });
    const ferryArgs = commandLine(ferry.ferryPid);
    // node <flags> <this file>: one process (sh execs node), Node's own arguments before the script.
    expect(path.basename(ferryArgs[0] ?? '')).toBe('node');
    expect(ferryArgs.slice(1, 1 + FERRY_NODE_FLAGS.length)).toEqual([...FERRY_NODE_FLAGS]);
    expect(ferryArgs[1 + FERRY_NODE_FLAGS.length]).toBe(FERRY_BIN);
    if (mode === 'runtime') expect(ferryArgs.slice(2 + FERRY_NODE_FLAGS.length)).toEqual(['--', ...PID_APP]);

    const response = (await ferry.invoke(functionUrlEvent())).json();
    expect(response.statusCode).toBe(200);
    const { pid: appPid } = JSON.parse(response.body) as { pid: number };
    expect(appPid).not.toBe(ferry.ferryPid);
    const appArgs = commandLine(appPid);
    expect(appArgs.at(-1)).toBe(PID_APP[1]);
    for (const flag of FERRY_NODE_FLAGS) expect(appArgs).not.toContain(flag);
  });
});
