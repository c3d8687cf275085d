/**
 * Starts the real, built adapter as Lambda would: the emulator, then Ferry as an external
 * extension, then (after it registered) the app as the function's process. In `inline` mode the
 * app alone is the function's process, with Ferry inside it (NODE_OPTIONS=--import=…).
 * End-to-end suites run in both shipped modes: `describe.each(FERRY_MODES)('…, %s', (mode) => …)`.
 */
import { readFileSync } from 'node:fs';
import { afterEach } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../adapter/local/emulator/index.ts';
import { freePort } from '../../adapter/local/free-port.ts';
import { inlineNodeOptions, isFerryLine } from '../../adapter/local/locate-ferry.ts';
import { startSandbox, type Sandbox } from '../../adapter/local/sandbox.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FERRY_BIN = path.join(ROOT, 'dist/layer/extensions/ferry');
export const ECHO_APP = ['node', path.join(ROOT, 'test/fixtures/echo-app.mjs')];
export const FERRY_INLINE = path.join(ROOT, 'dist/layer/ferry-inline.mjs');

/** How Ferry runs: the sidecar (an extension), the runtime wrapping the app, or inside the app. */
export type FerryMode = 'extension' | 'runtime' | 'inline';
/** The modes every end-to-end suite runs in. */
export const FERRY_MODES = ['extension', 'inline'] as const satisfies readonly FerryMode[];

export interface FerryUnderTest {
  emulator: Emulator;
  sandbox: Sandbox;
  /** The app's port. */
  port: number;
  invoke: Emulator['invoke'];
  /** The pid of the Ferry process (the extension, or the runtime in runtime and inline mode). */
  ferryPid: number;
  /** Ferry's own log lines so far. */
  ferryLogs(): string[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** The app command; default the echo app. */
  app?: string[];
  env?: Record<string, string>;
  emulator?: EmulatorOptions;
  /** `runtime`: start `ferry -- <app>` as the function process; `inline`: the app with Ferry inside. Default `extension`. */
  mode?: FerryMode;
  /** Wait for Init to finish (the first /next); default true. */
  waitForInit?: boolean;
}

export async function startFerry(options: StartOptions = {}): Promise<FerryUnderTest> {
  const emulator = await startEmulator(options.emulator);
  const port = await freePort();
  const app = options.app ?? ECHO_APP;
  const env: Record<string, string> = { PORT: String(port), ...options.env };
  let sandbox: Sandbox;
  try {
    sandbox =
      options.mode === 'runtime'
        ? await startSandbox({ emulator, runtime: { command: [FERRY_BIN, '--', ...app], cwd: ROOT }, env })
        : options.mode === 'inline'
          ? await startSandbox({ emulator, runtime: { command: app, cwd: ROOT, env: { NODE_OPTIONS: inlineNodeOptions(FERRY_BIN, env.NODE_OPTIONS) } }, env })
          : await startSandbox({ emulator, extensions: [{ path: FERRY_BIN }], runtime: { command: app, cwd: ROOT }, env });
    if (options.waitForInit !== false) await emulator.waitFor('init-done', undefined, 30_000);
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return {
    emulator,
    sandbox,
    port,
    invoke: (event, invokeOptions) => emulator.invoke(event, invokeOptions),
    ferryPid: (options.mode === 'runtime' || options.mode === 'inline' ? sandbox.runtime : sandbox.processes.find((p) => p !== sandbox.runtime)!).pid!,
    ferryLogs: () => sandbox.logs.filter((l) => isFerryLine(l.line)).map((l) => l.line),
    async close() {
      await sandbox.stop().catch(() => undefined);
      await emulator.close();
    },
  };
}

/** Resident memory of a process in bytes, from /proc (Linux). */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

/** For a test file: returns `start`, and closes whatever it started after each test. */
export function useFerry(): (options?: StartOptions) => Promise<FerryUnderTest> {
  let started: FerryUnderTest[] = [];
  afterEach(async () => {
    await Promise.all(started.map((ferry) => ferry.close()));
    started = [];
  });
  return async (options) => {
    const ferry = await startFerry(options);
    started.push(ferry);
    return ferry;
  };
}
