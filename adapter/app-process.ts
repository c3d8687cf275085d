/**
 * Runtime mode (`ferry -- node server.js`): Ferry is the function's process and starts the app as
 * its child, so the app boots in parallel with Ferry instead of after extension registration.
 * main.ts starts it before the rest of Ferry is loaded; the app's stdout and stderr are Ferry's
 * (Lambda sends both to CloudWatch).
 *
 * Trade-off, for the README: with no external extension Lambda gives the sandbox no shutdown
 * window (0 ms): no SIGTERM reaches Ferry or the app before SIGKILL. Locally (`ferry local`, the
 * emulator) SIGTERM/SIGINT do arrive and are forwarded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from './log.ts';

export type ExitListener = (code: number | null, signal: NodeJS.Signals | null) => void;

export interface AppProcess {
  readonly pid: number | undefined;
  /**
   * Called once when the app ends without Ferry having asked it to: its exit code or signal, or
   * (null, null) when the command could not be started at all (logged with the reason). A
   * listener added after the app already ended is called too, on the next tick.
   */
  onExit(listener: ExitListener): void;
  /**
   * SIGTERM/SIGINT are forwarded to the app from the start; `done` runs once it has exited after
   * one (SIGKILLed after a short grace). Until this is called, Ferry then exits 0.
   */
  forwardSignals(done: () => void): void;
  /** Ask the app to stop (SIGTERM); it is SIGKILLed if still there when Ferry exits. */
  kill(): void;
}

/** How long the app gets to exit after a forwarded signal; Lambda gives the runtime ~300 ms. */
const SIGNAL_GRACE_MS = 250;

/**
 * Start the app command as Ferry's child. main.ts starts it before the rest of Ferry is loaded
 * and passes the process on to serve.ts.
 *
 * @example
 * const app = startApp(['node', 'server.js'], log);
 * app.onExit((code, signal) => log.error('the app process exited', { code, signal }));
 */
export function startApp(command: string[], log: Logger): AppProcess {
  const [file, ...args] = command;
  // Its own process group: `sh -c …`, `npm start` and `npx next start` run the real server as a
  // grandchild, which a signal to the child alone would leave running. The group gets them all.
  const child: ChildProcess = spawn(file!, args, { stdio: 'inherit', env: process.env, detached: true });
  const signalApp = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone (or was never made): fall back to the child itself.
      child.kill(signal);
    }
  };
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Set once Ferry itself stops the app: its exit is then expected, not reported. */
  let expected = false;
  let listeners: ExitListener[] = [];

  // Never leave the app behind: whatever way Ferry exits, the app goes with it.
  // After the child exited too: what it started may still be in its group.
  const killOnFerryExit = () => signalApp('SIGKILL');
  process.on('exit', killOnFerryExit);

  const end = (code: number | null, signal: NodeJS.Signals | null) => {
    if (ended) return;
    ended = { code, signal };
    if (expected) return;
    const toCall = listeners;
    listeners = [];
    for (const listener of toCall) listener(code, signal);
  };
  // Without an 'error' listener a command that cannot start (ENOENT, EACCES) would crash Ferry.
  child.on('error', (error) => {
    log.error('the app command could not start', { command: command.join(' '), reason: error.message });
    if (child.pid === undefined) end(null, null);
  });
  child.on('exit', end);

  // SIGTERM/SIGINT are forwarded from the start, so a signal that arrives before serve.ts is
  // loaded cannot kill Ferry and leave the app running; forwardSignals() says what to do afterwards.
  let whenStopped: () => void = () => process.exit(0);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // Once the app has ended, Ferry is already on its way out with the right exit code.
    if (stopping || ended) return;
    stopping = true;
    expected = true;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      whenStopped();
    };
    const timer = setTimeout(() => {
      signalApp('SIGKILL');
      finish();
    }, SIGNAL_GRACE_MS);
    child.once('exit', finish);
    signalApp(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  return {
    pid: child.pid,
    onExit(listener) {
      if (!ended) listeners.push(listener);
      else if (!expected) process.nextTick(listener, ended.code, ended.signal);
    },
    forwardSignals(done) {
      whenStopped = done;
    },
    kill() {
      expected = true;
      if (!ended) signalApp('SIGTERM');
    },
  };
}
