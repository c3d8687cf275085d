/**
 * Whether the app is there to answer, from Init to the end: the readiness wait that ends Init,
 * the wait inside the first invocations under async init, and "app gone" detection (the app
 * process exited, or a connection failed and a probe then found nothing listening).
 * Ferry exits when the app is gone, so Lambda replaces the sandbox instead of sending it more work.
 */
import type { AppProcess } from '../app-process.ts';
import type { Config } from '../config.ts';
import { FerryError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { target, waitForApp, type ReadinessResult } from '../proxy/readiness.ts';
import { uptimeMs } from '../uptime.ts';
import type { Exits } from './exits.ts';

/** After a connection failure, how long the app has to answer a probe before Ferry gives up on it. */
const APP_GONE_GRACE_MS = 2_000;

export interface AppHealth {
  /**
   * Init's readiness wait, bounded by FERRY_INIT_READINESS_TIMEOUT_MS from Ferry's start so a slow
   * app cannot trip Lambda's Init limit unreported. Init ends when it resolves; it never resolves
   * when Init must fail (not ready, no AWS_LWA_ASYNC_INIT; or the app exited).
   */
  endOfInit(): Promise<ReadinessResult>;
  /** Per invocation: true once the app is ready (at once, except under async init); false if not by `untilMs` (epoch ms). */
  ready(untilMs: number): Promise<boolean>;
  /** A connection to the app was refused or dropped: the next `afterResult()` probes it. */
  unreachable(): void;
  /** After each result: if a connection failed since, probe the app; exit if it does not answer within the grace time. */
  afterResult(): Promise<void>;
}

/** How readiness is awaited: probes (waitForApp) by default; inline mode waits for the app's own listen(). */
export type WaitForReady = (config: Readonly<Config>, untilMs: number, log: Logger) => Promise<ReadinessResult>;

export interface AppHealthOptions {
  config: Readonly<Config>;
  log: Logger;
  exits: Exits;
  /** Set in runtime mode: its exit is watched from now on. */
  app: AppProcess | undefined;
  /** `uptimeMs()` when Ferry started: Init's budget counts from there. */
  startedAt: number;
  waitForReady?: WaitForReady;
}

export function watchAppHealth({ config, log, exits, app, startedAt, waitForReady = waitForApp }: AppHealthOptions): AppHealth {
  let phase: 'init' | 'serving' = 'init';
  let ready = false;
  let connectionFailed = false;

  app?.onExit((code, signal) => {
    if (phase === 'serving') return void exits.exit(1, 'the app process exited', { code, signal });
    const how = signal ? `signal ${signal}` : code === null ? 'it could not be started' : `code ${code}`;
    const message = `The app process exited during Init (${how}) before it was ready at ${target(config)}; its own output is above in the function's log.`;
    void exits.initFailed(new FerryError('FERRY_APP_GONE', message));
  });

  return {
    async endOfInit() {
      const initUntil = Math.round(Date.now() - (uptimeMs() - startedAt) + config.initReadinessTimeoutMs);
      const readiness = await waitForReady(config, initUntil, log);
      if (!readiness.ready && !config.asyncInit) {
        const message = `The app did not become ready at ${target(config)} within ${readiness.waitedMs} ms (last probe: ${readiness.lastFailure}). Check that it listens on AWS_LWA_PORT/PORT (${config.port}), or set AWS_LWA_ASYNC_INIT=true to let a slow app finish starting inside the first invocation.`;
        return exits.initFailed(new FerryError('FERRY_APP_NOT_READY', message));
      }
      ready = readiness.ready;
      phase = 'serving';
      return readiness;
    },
    async ready(untilMs) {
      return ready || (ready = (await waitForReady(config, untilMs, log)).ready);
    },
    unreachable() {
      connectionFailed = true;
    },
    async afterResult() {
      if (!connectionFailed) return;
      connectionFailed = false;
      const probe = await waitForApp(config, Date.now() + APP_GONE_GRACE_MS, log);
      if (!probe.ready) await exits.appGone(`The app stopped answering at ${target(config)} (${probe.lastFailure}); exiting so Lambda replaces the sandbox.`);
    },
  };
}
