/**
 * The app as serve.ts sees it in inline mode: this very process. There is nothing to start,
 * signal or kill; what serve.ts needs is to hear when the app is done without having listened.
 * That is 'beforeExit': the app's code has run and left nothing to wait for (Ferry's own handles
 * during Init are unref'd), so serve.ts can still post /init/error naming the port. An app that
 * calls process.exit() or throws takes the process down at once: Lambda reports that exit, and
 * the line written here says what Ferry was waiting for.
 */
import type { AppProcess, ExitListener } from '../app-process.ts';
import type { Logger } from '../log.ts';

export function thisProcess(log: Logger, waitingFor: () => string | undefined): AppProcess {
  let listeners: ExitListener[] = [];
  let stopping = false;
  process.once('beforeExit', (code) => {
    const toCall = listeners;
    listeners = [];
    for (const listener of toCall) listener(code, null);
  });
  process.once('exit', (code) => {
    const what = waitingFor();
    // Synchronous here: stderr is a pipe or a file in Lambda, written synchronously on Linux.
    if (!stopping && what !== undefined) log.error(`the app process exited during Init before ${what}`, { code });
  });
  return {
    pid: process.pid,
    onExit(listener) {
      listeners.push(listener);
    },
    // The app's own signal handling stays as it is (Node's default: SIGTERM ends the process).
    forwardSignals() {},
    kill() {
      stopping = true;
    },
  };
}
