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
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { Emulator } from './emulator/index.ts';

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
  /** Start the processes in their own process group, so a terminal's Ctrl-C reaches only the
   *  caller, which then shuts the sandbox down the Lambda way (SIGTERM, SHUTDOWN). Default false. */
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

const LOG_TAIL = 15;

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { emulator } = options;
  const registerTimeoutMs = options.registerTimeoutMs ?? 10_000;
  const logs: Array<{ source: string; line: string; at: number }> = [];
  const lines = new EventEmitter();
  lines.setMaxListeners(0);
  const launched: Launched[] = [];
  let stopping: Promise<StopResult> | undefined;

  const addLog = (source: string, line: string) => {
    const entry = { source, line, at: performance.now() };
    logs.push(entry);
    options.onLog?.(source, line);
    lines.emit('line', entry);
  };
  const tail = (source: string) =>
    logs
      .filter((l) => l.source === source)
      .slice(-LOG_TAIL)
      .map((l) => `    ${l.line}`)
      .join('\n') || '    (no output)';

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
        resolve();
      });
      child.once('error', () => {
        if (child.pid === undefined) {
          entry.exit = { code: null, signal: null };
          resolve();
        }
      });
    });
    if (child.pid !== undefined) emulator.sandboxPids.add(child.pid);
    splitLines(child.stdout!, (line) => addLog(source, line));
    splitLines(child.stderr!, (line) => addLog(source, line));
    emulator.record('process-spawned', { source, pid: child.pid });
    return entry;
  }

  async function killAll(): Promise<void> {
    for (const p of launched) if (!p.exit) p.child.kill('SIGKILL');
    await withTimeout(Promise.all(launched.map((p) => p.exited)), 2000);
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
    await killAll();
    throw error;
  }

  async function registered(p: Launched): Promise<void> {
    const name = path.basename(p.child.spawnfile);
    await p.spawned;
    const registration = emulator.waitFor('extension-registered', (e: { name: string }) => e.name === name, registerTimeoutMs, since);
    const exit = p.exited.then(() => {
      throw new Error(
        `extension ${p.source} exited (code ${p.exit?.code}, signal ${p.exit?.signal}) before it registered. Last output:\n${tail(p.source)}`,
      );
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
    await killAll();
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
    await killAll();
    throw error;
  }

  async function stop(reason: 'spindown' | 'timeout' | 'failure' = 'spindown', stopOptions: StopOptions = {}): Promise<StopResult> {
    const windowMs = stopOptions.windowMs ?? (emulator.extensions.length > 0 ? 2000 : 500);
    emulator.record('sandbox-stop', { reason, windowMs });
    // Lambda's order: SIGTERM to the runtime, then SHUTDOWN to the extensions (which thaws the sandbox).
    if (!runtime.exit) runtime.child.kill('SIGTERM');
    await emulator.shutdown(reason, windowMs);
    const allExited = Promise.all(launched.map((p) => p.exited));
    if (windowMs > 0) await withTimeout(allExited, windowMs);
    const killed: string[] = [];
    for (const p of launched) {
      if (p.exit) continue;
      killed.push(p.source);
      p.child.kill('SIGKILL');
    }
    await withTimeout(allExited, 2000);
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
    logs,
    waitForLog(pattern, timeoutMs = 5000) {
      const found = logs.find((l) => pattern.test(l.line));
      if (found) return Promise.resolve(found.line);
      return new Promise((resolve, reject) => {
        const onLine = (entry: { line: string }) => {
          if (!pattern.test(entry.line)) return;
          clearTimeout(timer);
          lines.off('line', onLine);
          resolve(entry.line);
        };
        const timer = setTimeout(() => {
          lines.off('line', onLine);
          const recent = logs.slice(-LOG_TAIL).map((l) => `    [${l.source}] ${l.line}`).join('\n') || '    (no output)';
          reject(new Error(`waitForLog(${pattern}) timed out after ${timeoutMs} ms. Last lines:\n${recent}`));
        }, timeoutMs);
        lines.on('line', onLine);
      });
    },
    stop(reason, stopOptions) {
      stopping ??= stop(reason, stopOptions);
      return stopping;
    },
  };
}

/** The variables every process in a Lambda sandbox sees (extensions and runtime alike). */
function lambdaEnvironment(emulator: Emulator): Record<string, string> {
  const o = emulator.options;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_LAMBDA_RUNTIME_API: emulator.address,
    AWS_LAMBDA_FUNCTION_NAME: o.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: o.functionVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(o.memoryMb),
    AWS_REGION: o.region,
    AWS_DEFAULT_REGION: o.region,
    AWS_LAMBDA_INITIALIZATION_TYPE: o.maxConcurrency !== undefined ? 'lambda-managed-instances' : 'on-demand',
    AWS_LAMBDA_LOG_FORMAT: 'Text',
    // Dummies: something that reads credentials finds them, nothing can use them.
    AWS_ACCESS_KEY_ID: 'AKIAFERRYLOCAL000000',
    AWS_SECRET_ACCESS_KEY: 'ferry-local-not-a-secret',
    AWS_SESSION_TOKEN: 'ferry-local-session-token',
  };
  if (o.maxConcurrency !== undefined) env.AWS_LAMBDA_MAX_CONCURRENCY = String(o.maxConcurrency);
  return env;
}

/** What only the function's process sees: extensions get no handler, task root or log names. */
function runtimeOnlyEnvironment(emulator: Emulator, taskRoot: string): Record<string, string> {
  const o = emulator.options;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    _HANDLER: o.handler,
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${o.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[${o.functionVersion}]${Math.random().toString(16).slice(2).padEnd(16, '0').slice(0, 16)}`,
  };
}

/** Split a stream into lines (LF or CRLF); a last line without a newline is flushed at the end. */
function splitLines(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    rest += text;
    let at: number;
    while ((at = rest.indexOf('\n')) >= 0) {
      onLine(rest.slice(0, at).replace(/\r$/, ''));
      rest = rest.slice(at + 1);
    }
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
  stream.on('error', () => {});
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

/** Children still alive when this (test) process exits are SIGKILLed: never leave orphans. */
const liveChildren = new Set<ChildProcess>();
let orphanGuardInstalled = false;
function guardAgainstOrphans(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  child.once('error', () => {
    if (child.pid === undefined) liveChildren.delete(child);
  });
  if (orphanGuardInstalled) return;
  orphanGuardInstalled = true;
  process.once('exit', () => {
    for (const c of liveChildren) {
      try {
        c.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}
