/**
 * How Ferry stops when Lambda stops the sandbox.
 *   extension mode  the SHUTDOWN event: open leases finish inside the window, then exit 0
 *   runtime mode    SIGTERM/SIGINT, forwarded to the app (app-process.ts), then exit 0
 */
import type { AppProcess } from '../app-process.ts';
import { describeError } from '../errors.ts';
import type { LeaseServer } from '../lease/index.ts';
import type { Logger } from '../log.ts';
import type { ExtensionsClient } from '../runtime/extensions-api.ts';
import type { Exits } from './exits.ts';
import { logPostResponse } from './post-response.ts';

/** Lambda's SHUTDOWN window for an external extension, in total. */
const SHUTDOWN_WINDOW_MS = 2_000;
/** Time kept back from the SHUTDOWN window to flush logs and exit. */
const SHUTDOWN_EXIT_RESERVE_MS = 200;
/** Before asking again after `/event/next` failed. */
const EVENT_RETRY_MS = 100;

export interface ShutdownOptions {
  /** Set in extension mode. */
  extension: ExtensionsClient | undefined;
  /** Set in runtime mode (and stopped on SHUTDOWN). */
  app: AppProcess | undefined;
  leases: LeaseServer;
  log: Logger;
  exits: Exits;
}

/** Start watching for the end of the sandbox; returns at once. */
export function watchShutdown({ extension, app, leases, log, exits }: ShutdownOptions): void {
  if (!extension) {
    app?.forwardSignals(() => void exits.exit(0, 'shutting down on SIGTERM'));
    return;
  }
  void (async () => {
    while (true) {
      const event = await extension.nextEvent().catch((error) => {
        log.warn('extension event/next failed', { reason: describeError(error) });
        return undefined;
      });
      if (event === undefined) {
        await new Promise((resolve) => setTimeout(resolve, EVENT_RETRY_MS));
        continue;
      }
      if (event.eventType.toUpperCase() === 'SHUTDOWN') {
        const reason = String(event.shutdownReason ?? '').toLowerCase();
        // Keep a share of the window for flushing logs and exiting.
        const until = Math.min(event.deadlineMs ?? Infinity, Date.now() + SHUTDOWN_WINDOW_MS) - SHUTDOWN_EXIT_RESERVE_MS;
        logPostResponse(log, 'shutdown', await leases.drain(until));
        app?.kill();
        return exits.exit(0, 'shutting down', { reason });
      }
    }
  })();
}
