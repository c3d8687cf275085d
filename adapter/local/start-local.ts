/**
 * The whole Lambda path on a laptop: the Runtime API emulator, the built Ferry as an external
 * extension, the app as the function's process (started after Ferry registered, as Lambda does),
 * and a front door that turns HTTP requests into the chosen event source's events.
 */
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { startEmulator, type Emulator } from './emulator/index.ts';
import { freePort } from './free-port.ts';
import { startFrontDoor, type LegacyEventSource, type LocalEventSource } from './front-door/index.ts';
import { createJournal, INSPECTOR_PATH, type Journal } from './inspector/index.ts';
import { inlineNodeOptions, isFerryLine, locateFerry } from './locate-ferry.ts';
import { prefixed } from './log-prefix.ts';
import { startSandbox, type Sandbox } from './sandbox.ts';

export interface LocalOptions {
  /** The command that starts the app, e.g. `['node', 'server.js']`. It gets PORT (and AWS_LWA_PORT). */
  command: string[];
  /** Which AWS front end the front door plays, by its codec's name; default `function-url`. The
   *  names before the rename (`http-api`, `rest-api`, `lattice`) still work. */
  event?: LocalEventSource | LegacyEventSource;
  /** Ferry's AWS_LWA_INVOKE_MODE; default `buffered`. Streams only for `function-url` and `rest-api`. */
  invokeMode?: 'buffered' | 'response_stream';
  /** The front door's port; default 3000; 0 picks a free one (use 0 in tests). */
  port?: number;
  /** The front door's interface; default `127.0.0.1`. */
  host?: string;
  /** Freeze the sandbox (SIGSTOP) between invocations, as Lambda does; default true. */
  freeze?: boolean;
  /** Extra environment for Ferry and the app (AWS_LWA_*, FERRY_*, the app's own settings). */
  env?: Record<string, string>;
  /** The app's working directory (also LAMBDA_TASK_ROOT); default `process.cwd()`. */
  cwd?: string;
  /** The port the app listens on; default a free port. */
  appPort?: number;
  /** The function timeout; default 30000 ms. */
  timeoutMs?: number;
  /** The built Ferry executable; default `dist/layer/extensions/ferry` of this package. */
  ferryPath?: string;
  /** Run Ferry inside the app's own Node process (`NODE_OPTIONS=--import=…ferry-inline.mjs`) instead of as the sidecar; default false. */
  inline?: boolean;
  /** How long Init (Ferry registered, app ready) may take; default 15000 ms. */
  initTimeoutMs?: number;
  /**
   * The inspector at `/_ferry` on the front door's port (every invocation: event, request,
   * result, timings, log lines; credentials included). Default: on when the front door listens
   * on loopback only, off otherwise; `true` turns it on anywhere, `false` off.
   */
  inspector?: boolean;
  /** Every log line as it happens: the app's output, Ferry's, and the front door's (`lambda`). */
  onLog?: (log: LocalLog) => void;
}

export interface LocalLog {
  source: 'app' | 'ferry' | 'lambda';
  line: string;
}

export interface LocalLambda {
  /** The front door, `http://127.0.0.1:PORT`: give it to supertest, fetch or a browser. */
  readonly url: string;
  /** The front door's server. */
  readonly server: Server;
  readonly emulator: Emulator;
  readonly sandbox: Sandbox;
  /** Send a raw event (SQS, S3, a hand-made HTTP event…) straight to Lambda. */
  invoke: Emulator['invoke'];
  /** Every log line so far (app, Ferry, front door). */
  readonly logs: LocalLog[];
  /** `http://127.0.0.1:PORT/_ferry`, or undefined when the inspector is off. */
  readonly inspectorUrl: string | undefined;
  /** Why the inspector is on or off, for the startup line. */
  readonly inspectorStatus: string;
  /** Lambda's shutdown (SIGTERM to the app, SHUTDOWN to Ferry), then closes the front door and the emulator. */
  close(): Promise<void>;
}

/**
 * Start an app behind the full local Lambda path and return a handle.
 *
 * @example
 * const lambda = await startLocal({ command: ['node', 'server.js'], port: 0 });
 * await request(lambda.url).get('/hello').expect(200); // supertest
 * await lambda.close();
 */
export async function startLocal(options: LocalOptions): Promise<LocalLambda> {
  if (!Array.isArray(options.command) || options.command.length === 0)
    throw new TypeError('startLocal: `command` must be the app command as an array, e.g. ["node", "server.js"]');
  const cwd = options.cwd ?? process.cwd();
  const ferryPath = locateFerry(options.ferryPath, cwd);
  const logs: LocalLog[] = [];
  let journal: Journal | undefined;
  const log = (source: LocalLog['source'], line: string) => {
    const entry = { source, line };
    logs.push(entry);
    journal?.log(source, line);
    options.onLog?.(entry);
  };
  const inspector = inspectorSetting(options);

  if (options.appPort !== undefined && options.appPort === (options.port ?? 3000)) {
    throw new TypeError(
      `startLocal: the app port (${options.appPort}) is the front door's port: the front door listens there, so the app cannot. Leave the app port out (a free one is picked and passed as PORT) or choose another.`,
    );
  }
  const appPort = options.appPort ?? (await freePort());
  const emulator = await startEmulator({ freeze: options.freeze ?? true, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  if (inspector.on) journal = createJournal(emulator);
  let sandbox: Sandbox | undefined;
  let stopping = false;
  try {
    sandbox = await startSandbox({
      emulator,
      extensions: options.inline ? [] : [{ path: ferryPath }],
      runtime: { command: options.command, cwd, ...(options.inline ? { env: { NODE_OPTIONS: inlineNodeOptions(ferryPath, options.env?.NODE_OPTIONS) } } : {}) },
      env: { ...options.env, AWS_LWA_INVOKE_MODE: options.invokeMode ?? 'buffered', PORT: String(appPort), AWS_LWA_PORT: String(appPort) },
      // Inline, Ferry's lines come from the app's process; they start with `[ferry]` or carry "logger":"ferry".
      onLog: (source, line) => log(source !== 'runtime' || (options.inline && isFerryLine(line)) ? 'ferry' : 'app', line),
      ownProcessGroup: true,
    });
    emulator.events.on('process-exit', (exit: { source: string; code: number | null; signal: string | null }) => {
      if (!stopping) log('lambda', `${exit.source === 'runtime' ? 'the app' : exit.source} exited (${exit.signal ?? `code ${exit.code}`})`);
    });
    emulator.events.on('sandbox-reset', (reset: { afterResponse?: boolean }) => {
      log(
        'lambda',
        `the function timed out${reset.afterResponse ? ' after its response (post-response work ran past the deadline)' : ''}: on AWS the sandbox would be reset`,
      );
    });
    await initDone(emulator, sandbox, options.initTimeoutMs ?? 15_000, logs);
  } catch (error) {
    stopping = true;
    await sandbox?.stop('failure', { windowMs: 500 }).catch(() => undefined);
    await emulator.close();
    throw error;
  }

  const door = await startFrontDoor({
    invoke: emulator.invoke,
    event: options.event,
    port: options.port,
    host: options.host,
    region: emulator.options.region,
    onLog: (line) => log('lambda', line),
    inspector: journal && {
      journal,
      notes: [
        `Every invocation through this front door, live. It shows headers and bodies as they are, credentials included.`,
        `${INSPECTOR_PATH} belongs to the inspector while it is on: an app route ${INSPECTOR_PATH} is not reached (ferry local --no-inspector, or startLocal({ inspector: false }), gives it back).`,
      ],
    },
  }).catch(async (error: unknown) => {
    stopping = true;
    await sandbox!.stop().catch(() => undefined);
    await emulator.close();
    throw error;
  });

  const running = sandbox;
  let closing: Promise<void> | undefined;
  return {
    url: door.url,
    server: door.server,
    emulator,
    sandbox: running,
    invoke: (event, invokeOptions) => emulator.invoke(event, invokeOptions),
    logs,
    inspectorUrl: journal ? `${door.url}${INSPECTOR_PATH}` : undefined,
    inspectorStatus: journal ? `inspector at ${door.url}${INSPECTOR_PATH} (an app route ${INSPECTOR_PATH} is not reached while it is on)` : inspector.why,
    close() {
      closing ??= (async () => {
        stopping = true;
        await door.close();
        await running.stop('spindown').catch(() => undefined);
        await emulator.close();
      })();
      return closing;
    },
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The inspector shows credentials: beyond loopback only when asked for explicitly. */
function inspectorSetting(options: LocalOptions): { on: boolean; why: string } {
  if (options.inspector === false) return { on: false, why: 'inspector off' };
  const host = options.host ?? '127.0.0.1';
  if (options.inspector === undefined && !LOOPBACK.has(host)) {
    return {
      on: false,
      why: `inspector off: the front door listens on ${host}, beyond loopback, and the inspector shows every request's credentials (--inspector turns it on)`,
    };
  }
  return { on: true, why: '' };
}

/** Resolves when Ferry asked for the first invocation; rejects on an Init error, an early exit or the time limit. */
function initDone(emulator: Emulator, sandbox: Sandbox, timeoutMs: number, logs: LocalLog[]): Promise<void> {
  const tail = () =>
    logs
      .slice(-15)
      .map((l) => `  ${prefixed(l)}`)
      .join('\n') || '  (no output)';
  return new Promise<void>((resolve, reject) => {
    const cleanups: Array<() => void> = [];
    const finish = (error?: Error) => {
      for (const cleanup of cleanups) cleanup();
      if (error) reject(error);
      else resolve();
    };
    const on = (name: string, listener: (payload: any) => void) => {
      emulator.events.on(name, listener);
      cleanups.push(() => emulator.events.off(name, listener));
    };

    const timer = setTimeout(
      () => finish(new Error(`Init did not finish within ${timeoutMs} ms (Ferry never asked for an invocation). Last output:\n${tail()}`)),
      timeoutMs,
    );
    cleanups.push(() => clearTimeout(timer));
    const onInitError = (e: { errorType?: string; body?: { errorMessage?: string } }) =>
      finish(new Error(`Init failed (${e.errorType ?? 'unknown error'}): ${e.body?.errorMessage ?? JSON.stringify(e.body)}\nLast output:\n${tail()}`));
    on('init-done', () => finish());
    on('init-error', onInitError);
    for (const child of sandbox.processes) {
      const onExit = () =>
        finish(
          new Error(
            `${describeProcess(child, sandbox)} exited (${child.signalCode ?? `code ${child.exitCode}`}) before Init finished. Last output:\n${tail()}`,
          ),
        );
      // 'close', not 'exit': by then its last output lines are in `logs` for the message.
      child.once('close', onExit);
      cleanups.push(() => child.off('close', onExit));
    }
    // What already happened counts too.
    const past = emulator.history.find((e) => e.name === 'init-done' || e.name === 'init-error');
    if (past?.name === 'init-done') finish();
    else if (past) onInitError(past.payload);
    else if (sandbox.processes.some((c) => c.exitCode !== null || c.signalCode !== null)) {
      finish(new Error(`a process of the sandbox exited before Init finished. Last output:\n${tail()}`));
    }
  });
}

function describeProcess(child: ChildProcess, sandbox: Sandbox): string {
  return child === sandbox.runtime ? 'the app' : 'Ferry';
}
