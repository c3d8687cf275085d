/**
 * Readiness from the app's own `listen()`: every net.Server (http.Server included) reports its
 * 'listening' here, so Init ends the moment the app's server accepts connections, with no probe
 * the app would see. Installed before the app's code runs (the --import module evaluates first).
 */
import net from 'node:net';
import type { Config, Env } from '../config.ts';
import type { Logger } from '../log.ts';
import { waitForApp, type ReadinessResult } from '../proxy/readiness.ts';

export interface ListenWatch {
  /** Ports listened on so far, in order. */
  readonly ports: readonly number[];
  /** serve.ts's readiness wait: resolves once something listens on the readiness port, or at `untilMs`. */
  waitForReady(config: Readonly<Config>, untilMs: number, log: Logger): Promise<ReadinessResult>;
}

export function watchListens(env: Env): ListenWatch {
  const ports: number[] = [];
  const waiters = new Set<(port: number) => void>();
  const original = net.Server.prototype.listen;
  // A wrapper, not a replacement: the app's arguments, return value and errors are untouched.
  net.Server.prototype.listen = function listen(this: net.Server, ...args: unknown[]) {
    // An ephemeral port (0, a path, a handle) is never the app's configured one; skipping those
    // also keeps Ferry's own lease server out of the "it listened on" list.
    if (askedPort(args[0]) === 0) return (original as (...a: unknown[]) => net.Server).apply(this, args);
    this.once('listening', () => {
      const address = this.address();
      if (address === null || typeof address === 'string') return;
      ports.push(address.port);
      for (const waiter of waiters) waiter(address.port);
    });
    return (original as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof original;

  return {
    ports,
    async waitForReady(config, untilMs, log) {
      const started = Date.now();
      const listened = await new Promise<boolean>((resolve) => {
        if (ports.includes(config.readinessPort)) return resolve(true);
        // Unref'd: an app that ends without listening must let the process reach 'beforeExit'.
        const timer = setTimeout(() => done(false), Math.max(0, untilMs - started)).unref();
        const onListen = (port: number) => port === config.readinessPort && done(true);
        const done = (ok: boolean) => {
          clearTimeout(timer);
          waiters.delete(onListen);
          resolve(ok);
        };
        waiters.add(onListen);
      });
      if (!listened) {
        const elsewhere = ports.length > 0 ? ` (it listened on ${ports.join(', ')})` : '';
        return { ready: false, waitedMs: Date.now() - started, probes: 0, lastFailure: `the app has not listened on port ${config.readinessPort}${elsewhere}` };
      }
      // A listening server accepts connections; a health path the user named is still asked.
      if (env.AWS_LWA_READINESS_CHECK_PATH !== undefined) return waitForApp(config, untilMs, log);
      return { ready: true, waitedMs: Date.now() - started, probes: 0, lastFailure: undefined };
    },
  };
}

/** The port listen()'s first argument asks for (a number, a numeric string or `{ port }`); 0 when ephemeral or none (a path, a handle). */
function askedPort(first: unknown): number {
  const port = typeof first === 'object' && first !== null ? (first as { port?: unknown }).port : first;
  return typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port)) ? Number(port) : 0;
}
