/**
 * Starts a sandbox's processes in Lambda's order against an emulator: every external extension
 * (as found in /opt/extensions), wait until each has registered, then the function's process
 * (the runtime). `stop()` is Lambda's shutdown: SIGTERM to the runtime, SHUTDOWN to the
 * extensions, SIGKILL for whatever is left when the window closes.
 *
 * @example
 * const emulator = await startEmulator();
 * const sandbox = await startSandbox({ emulator, extensions: [{ path: 'dist/layer/extensions/ferry' }], runtime: { command: ['node', 'app.js'] } });
 * await emulator.invoke(event);
 * const { exitCodes, killed } = await sandbox.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Emulator } from './emulator/index.ts';
import { lambdaEnvironment, runtimeOnlyEnvironment } from './sandbox/environment.ts';
import { createLogLines } from './sandbox/log-lines.ts';
import { guardAgainstOrphans } from './sandbox/orphan-guard.ts';
import { signalTree, treeTargets, type TreeTargets } from './sandbox/process-tree.ts';
import { untilGone, withTimeout } from './sandbox/settle.ts';

/** How long a process's pipes may take to deliver its last lines after it exited. */
const PIPE_DRAIN_MS = 500;

export interface SandboxOptions {
  emulator: Emulator;
  /** Executables as Lambda finds them in /opt/extensions; each registers under its file name. */
  extensions?: Array<{ path: string; env?: Record<string, string> }>;
  /** The function's process (the app, or `ferry -- app` in runtime mode). `cwd` is also LAMBDA_TASK_ROOT. */
  runtime: { command: string[]; cwd?: string; env?: Record<string, string> };
  /** Extra env for every process (after the Lambda variables, before each process's own `env`). */
  env?: Record<string, string>;
  /** Each stdout/stderr line; `source` is the extension's file name or 'runtime'. Default: only collected. */
  onLog?: (source: string, line: string) => void;
  /** How long each extension may take to register; default 10000. */
  registerTimeoutMs?: number;
  /** Start each process in a process group of its own, so a terminal's Ctrl-C reaches only the
   *  caller, which then shuts the sandbox down the Lambda way (SIGTERM to the runtime's whole
   *  group, SHUTDOWN). Default false. Either way `stop()` SIGKILLs everything the processes
   *  started (`sh -c`, `npm start`, `npx`: the real server is a grandchild). */
  ownProcessGroup?: boolean;
}

export interface StopOptions {
  /**
   * The shutdown window. Default 2000 ms when an extension is registered (the platform's
   * figure). With no extension the platform allows 0 ms; here it is 500 ms so a runtime's SIGTERM
   * handling stays observable: pass 0 for the strict behaviour (immediate SIGKILL).
   */
  windowMs?: number;
}

export interface StopResult {
  /** Per source: the exit code, or null when ended by a signal (or never started). */
  exitCodes: Record<string, number | null>;
  /** Sources still running at the end of the window, SIGKILLed. */
  killed: string[];
  /** Per source: the signal that ended it, if any. */
  signals: Record<string, NodeJS.Signals | null>;
}

export interface Sandbox {
  readonly processes: ReadonlyArray<ChildProcess>;
  readonly runtime: ChildProcess;
  readonly logs: Array<{ source: string; line: string; at: number }>;
  /** The first log line (already collected or still to come) matching `pattern`; default timeout 5000 ms. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(reason?: 'spindown' | 'timeout' | 'failure', options?: StopOptions): Promise<StopResult>;
}

interface Launched {
  source: string;
  child: ChildProcess;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  /** Resolves when the process is gone (or could not be started). */
  exited: Promise<void>;
  /** Resolves once running; rejects when it could not be started. */
  spawned: Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { emulator } = options;
  const registerTimeoutMs = options.registerTimeoutMs ?? 10_000;
  const output = createLogLines(options.onLog);
  const tail = output.tail;
  const launched: Launched[] = [];
  let stopping: Promise<StopResult> | undefined;

  const uniqueSource = (name: string) => {
    let source = name;
    for (let n = 2; launched.some((p) => p.source === source); n++) source = `${name}#${n}`;
    return source;
  };

  function launch(source: string, command: string, args: string[], env: Record<string, string>, cwd: string | undefined): Launched {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup === true });
    const entry: Launched = { source, child, exited: undefined!, spawned: undefined! };
    launched.push(entry);
    guardAgainstOrphans(child);
    entry.spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) => reject(new Error(`${source}: could not start ${JSON.stringify(command)}: ${error.message}`)));
    });
    entry.spawned.catch(() => {});
    entry.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        entry.exit = { code, signal };
        if (child.pid !== undefined) emulator.sandboxPids.delete(child.pid);
        emulator.record('process-exit', { source, pid: child.pid, code, signal, duringStop: stopping !== undefined });
        // Its last lines may still be in the pipes at 'exit': wait for 'close' (the pipes drained),
        // but not for long, since a descendant that inherited them can hold them open.
        const drained = setTimeout(resolve, PIPE_DRAIN_MS);
        child.once('close', () => {
          clearTimeout(drained);
          resolve();
        });
      });
      child.once('error', () => {
        if (child.pid === undefined) {
          entry.exit = { code: null, signal: null };
          resolve();
        }
      });
    });
    if (child.pid !== undefined) emulator.sandboxPids.add(child.pid);
    output.follow(child.stdout!, source);
    output.follow(child.stderr!, source);
    emulator.record('process-spawned', { source, pid: child.pid });
    return entry;
  }

  /** Every process the sandbox's processes are or started, found now. */
  const everything = (): TreeTargets => treeTargets(launched.flatMap((p) => (p.child.pid === undefined ? [] : [p.child.pid])));

  /** SIGKILL the whole tree (as found now and in `also`), then wait until it is gone. */
  async function killTree(also?: TreeTargets): Promise<void> {
    const now = everything();
    for (const targets of also ? [also, now] : [now]) signalTree(targets, 'SIGKILL');
    await withTimeout(Promise.all(launched.map((p) => p.exited)), 2000);
    await untilGone([...now.members, ...(also?.members ?? [])], 2000);
  }

  // 1. Extensions, all at once, each waited for until it registered.
  const baseEnv = lambdaEnvironment(emulator);
  const since = emulator.mark();
  const extensions = (options.extensions ?? []).map((ext) =>
    launch(uniqueSource(path.basename(ext.path)), ext.path, [], { ...baseEnv, ...options.env, ...ext.env }, options.runtime.cwd),
  );
  try {
    await Promise.all(extensions.map((p) => registered(p)));
  } catch (error) {
    await killTree();
    throw error;
  }

  async function registered(p: Launched): Promise<void> {
    const name = path.basename(p.child.spawnfile);
    await p.spawned;
    const registration = emulator.waitFor('extension-registered', (e: { name: string }) => e.name === name, registerTimeoutMs, since);
    const exit = p.exited.then(() => {
      throw new Error(`extension ${p.source} exited (code ${p.exit?.code}, signal ${p.exit?.signal}) before it registered. Last output:\n${tail(p.source)}`);
    });
    try {
      await Promise.race([registration, exit]);
    } catch (error) {
      if (p.exit) throw error;
      const others = emulator.extensions.map((e) => e.name);
      throw new Error(
        `extension ${p.source} did not register within ${registerTimeoutMs} ms` +
          (others.length ? ` (registered so far: ${others.join(', ')}; the Lambda-Extension-Name must be the file name "${name}")` : '') +
          `. Last output:\n${tail(p.source)}`,
      );
    } finally {
      exit.catch(() => {});
    }
  }

  // 2. Only now the function's process.
  const [command, ...args] = options.runtime.command;
  if (!command) {
    await killTree();
    throw new TypeError('runtime.command must name an executable');
  }
  const runtimeEnv = {
    ...baseEnv,
    ...runtimeOnlyEnvironment(emulator, options.runtime.cwd ?? process.cwd()),
    ...options.env,
    ...options.runtime.env,
  };
  const runtime = launch('runtime', command, args, runtimeEnv, options.runtime.cwd);
  try {
    await runtime.spawned;
  } catch (error) {
    await killTree();
    throw error;
  }

  function signalRuntime(signal: NodeJS.Signals): void {
    const pid = runtime.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(options.ownProcessGroup ? -pid : pid, signal);
    } catch {
      // Already gone.
    }
  }

  async function stop(reason: 'spindown' | 'timeout' | 'failure' = 'spindown', stopOptions: StopOptions = {}): Promise<StopResult> {
    const windowMs = stopOptions.windowMs ?? (emulator.extensions.length > 0 ? 2000 : 500);
    emulator.record('sandbox-stop', { reason, windowMs });
    // Lambda's order: SIGTERM to the runtime (its whole group: `npm start` and `sh -c` pass it to
    // the real server that way), then SHUTDOWN to the extensions (which thaws the sandbox).
    if (!runtime.exit) signalRuntime('SIGTERM');
    // Found at once, while the signal is on its way: a wrapper (sh, npm) that exits first would
    // hide its children from the ppid walk. (Before the signal, the ~10-40 ms /proc scan would
    // delay the shutdown it starts.)
    const tree = everything();
    await emulator.shutdown(reason, windowMs);
    const allExited = Promise.all(launched.map((p) => p.exited));
    if (windowMs > 0) await withTimeout(allExited, windowMs);
    const killed = launched.filter((p) => !p.exit).map((p) => p.source);
    // The sandbox is gone after the window: so is everything its processes started.
    await killTree(tree);
    const exitCodes: Record<string, number | null> = {};
    const signals: Record<string, NodeJS.Signals | null> = {};
    for (const p of launched) {
      exitCodes[p.source] = p.exit?.code ?? null;
      signals[p.source] = p.exit?.signal ?? null;
    }
    return { exitCodes, killed, signals };
  }

  return {
    processes: launched.map((p) => p.child),
    runtime: runtime.child,
    logs: output.logs,
    waitForLog(pattern, timeoutMs = 5000) {
      return output.waitFor(pattern, timeoutMs);
    },
    stop(reason, stopOptions) {
      stopping ??= stop(reason, stopOptions);
      return stopping;
    },
  };
}
