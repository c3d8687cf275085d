/**
 * Runtime mode (`ferry -- node server.js`): Ferry is the function's process and starts the app as
 * its child, so the app boots in parallel with Ferry instead of after extension registration.
 */
import { spawn } from 'node:child_process';
import type { Logger } from './log.ts';

export interface AppProcess {
  readonly pid: number | undefined;
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  /** Forward SIGTERM/SIGINT to the app; `done` runs once it has exited (or after a short grace). */
  forwardSignals(done: () => void): void;
  kill(): void;
}

/** How long the app gets to exit after a forwarded signal; Lambda gives the runtime ~300 ms. */
const SIGNAL_GRACE_MS = 250;

export function startApp(command: string[], log: Logger): AppProcess {
  const [file, ...args] = command;
  const child = spawn(file!, args, { stdio: 'inherit', env: process.env });
  let exited = false;
  let expected = false;
  const listeners: Array<(code: number | null, signal: NodeJS.Signals | null) => void> = [];
  child.on('error', (error) => log.error('the app command could not start', { command: command.join(' '), reason: error.message }));
  child.on('exit', (code, signal) => {
    exited = true;
    if (!expected) for (const listener of listeners) listener(code, signal);
  });
  return {
    pid: child.pid,
    onExit: (listener) => listeners.push(listener),
    forwardSignals(done) {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.on(signal, () => {
          expected = true;
          if (exited) return done();
          child.kill(signal);
          const timer = setTimeout(done, SIGNAL_GRACE_MS);
          child.once('exit', () => {
            clearTimeout(timer);
            done();
          });
        });
      }
    },
    kill() {
      expected = true;
      if (!exited) child.kill('SIGTERM');
    },
  };
}
