/**
 * The wiring, in the order the data flows: configuration → readiness → invocation loops, each
 * invocation going event → request → app → response → result (handle-invocation.ts).
 */
import { loadConfig, type Config, type Env } from './config.ts';
import { ERROR_TYPES, FerryError, describeError, errorDocument } from './errors.ts';
import { handleInvocation } from './handle-invocation.ts';
import { createLogger, type Logger } from './log.ts';
import { startApp, type AppProcess } from './app-process.ts';
import { startLeaseServer, type LeaseServer, type SettleReport } from './lease/index.ts';
import { createAppClient } from './proxy/app-client.ts';
import { target, waitForApp, type ReadinessResult } from './proxy/readiness.ts';
import type { ExtensionsClient } from './runtime/extensions-api.ts';
import type { Invocation } from './runtime/invocation.ts';
import { runLoops } from './runtime/loop.ts';
import { createStreamOpener } from './runtime/response-stream.ts';
import { createRuntimeApi, type RuntimeApi } from './runtime/runtime-api.ts';
import { uptimeMs } from './uptime.ts';

export interface ServeOptions {
  env: Env;
  /** Set in extension mode (registered before this module was loaded). */
  extension: ExtensionsClient | undefined;
  /** Set in runtime mode: the app command Ferry starts itself. */
  appCommand: string[] | undefined;
  /** `uptimeMs()` when main.ts started, and when it had registered (or started the app). */
  startedAt: number;
  registeredAt: number;
  /** Inline mode: the app is this very process (adapter/inline), not one Ferry starts. */
  app?: AppProcess;
  /** Inline mode: readiness from the app's own listen() instead of probes. */
  waitForReady?: (config: Readonly<Config>, untilMs: number, log: Logger) => Promise<ReadinessResult>;
}

/** Time kept back from the SHUTDOWN window to flush logs and exit. */
const SHUTDOWN_EXIT_RESERVE_MS = 200;
/** After a connection failure, how long the app has to answer a probe before Ferry gives up on it. */
const APP_GONE_GRACE_MS = 2_000;

export async function serve(options: ServeOptions): Promise<void> {
  const { env, extension } = options;
  const bootLog = createLogger({ format: env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON' ? 'json' : 'text', level: 'INFO' });
  const app = options.app ?? (options.appCommand ? startApp(options.appCommand, bootLog) : undefined);
  const waitForReady = options.waitForReady ?? waitForApp;

  let config: Readonly<Config>;
  try {
    config = loadConfig(env);
  } catch (error) {
    return initFailed(createRuntimeApi(env.AWS_LAMBDA_RUNTIME_API ?? ''), bootLog, error, app);
  }
  const log = createLogger({ format: config.logFormat, level: config.logLevel });
  const runtime = createRuntimeApi(config.runtimeApi, {
    onRejected: (what, status, body) => log.warn('the Runtime API refused a call', { call: what, status, body }),
  });
  // Init lasts until the first /next (inside runLoops); an app that exits before then fails the Init.
  let initDone = false;
  app?.onExit((code, signal) => {
    if (initDone) return exitWith(log, 1, 'the app process exited', { code, signal });
    const how = signal ? `signal ${signal}` : code === null ? 'it could not be started' : `code ${code}`;
    const message = `The app process exited during Init (${how}) before it was ready at ${target(config)}; its own output is above in the function's log.`;
    return initFailed(runtime, log, new FerryError('FERRY_APP_GONE', message), undefined);
  });
  const leases = await startLeaseServer();
  if (extension) watchShutdown(extension, log, app, leases);
  else app?.forwardSignals(() => exitWith(log, 0, 'shutting down on SIGTERM'));

  // Readiness during Init, bounded so a slow app cannot trip the Init limit unreported.
  const initUntil = Math.round(Date.now() - (uptimeMs() - options.startedAt) + config.initReadinessTimeoutMs);
  const readiness = await waitForReady(config, initUntil, log);
  if (!readiness.ready && !config.asyncInit) {
    const message = `The app did not become ready at ${target(config)} within ${readiness.waitedMs} ms (last probe: ${readiness.lastFailure}). Check that it listens on AWS_LWA_PORT/PORT (${config.port}), or set AWS_LWA_ASYNC_INIT=true to let a slow app finish starting inside the first invocation.`;
    return initFailed(runtime, log, new FerryError('FERRY_APP_NOT_READY', message), app);
  }
  let ready = readiness.ready;
  const initMs = Math.round(uptimeMs() - options.startedAt);
  const initDoneAt = Date.now();
  log.info(ready ? 'app ready' : 'app not ready yet: Init ends now and the first invocation keeps waiting (AWS_LWA_ASYNC_INIT)', {
    register_ms: Math.round(options.registeredAt - options.startedAt),
    readiness_ms: readiness.waitedMs,
    init_ms: initMs,
  });

  const appClient = createAppClient(config.host, config.port);
  let unreachable = false;
  let coldStartLogged = false;
  const deps = {
    config,
    log,
    runtime,
    openStream: createStreamOpener(config.runtimeApi),
    app: appClient,
    appReady: async (untilMs: number) => ready || (ready = (await waitForReady(config, untilMs, log)).ready),
    onAppUnreachable: () => (unreachable = true),
    extraHeaders: (invocation: Invocation) => leases.open(invocation.requestId).headers,
  };

  initDone = true;
  await runLoops({
    concurrency: config.maxConcurrency,
    runtime,
    log,
    isFatal: (error) => (error as FerryError).code === 'FERRY_RUNTIME_API',
    handle: (invocation) => {
      if (!coldStartLogged) {
        coldStartLogged = true;
        // A first invocation long after Init means Lambda initialised the sandbox ahead of demand.
        log.info('cold start', { init_ms: initMs, readiness_ms: readiness.waitedMs, proactive_init: Date.now() - initDoneAt > 10_000 });
      }
      return handleInvocation(invocation, deps);
    },
    afterResult: async (invocation) => {
      // Post-response work: hold /next (and so the freeze) until the app's leases end.
      const report = await leases.settle(invocation.requestId, invocation.deadlineMs - config.deadlineMarginMs);
      if (report.leases > 0) logPostResponse(log, invocation.requestId, report);
      if (!unreachable) return;
      unreachable = false;
      const probe = await waitForApp(config, Date.now() + APP_GONE_GRACE_MS, log);
      if (!probe.ready) await appGone(log, extension, `The app stopped answering at ${target(config)} (${probe.lastFailure}); exiting so Lambda replaces the sandbox.`);
    },
  }).catch((error) => exitWith(log, 1, 'fatal error', { reason: describeError(error) }));
}

/** Report an Init failure where Lambda shows it to the caller, then exit non-zero. */
async function initFailed(runtime: RuntimeApi, log: Logger, error: unknown, app: AppProcess | undefined): Promise<void> {
  const errorType = error instanceof FerryError ? error.errorType : ERROR_TYPES.FERRY_INTERNAL;
  const message = describeError(error);
  log.error(message, { error_type: errorType });
  await runtime.postInitError(errorType, errorDocument(errorType, message)).catch(() => undefined);
  app?.kill();
  await exitWith(log, 1);
}

async function appGone(log: Logger, extension: ExtensionsClient | undefined, message: string): Promise<void> {
  log.error(message, { error_type: ERROR_TYPES.FERRY_APP_GONE });
  await extension?.reportError('exit', ERROR_TYPES.FERRY_APP_GONE, errorDocument(ERROR_TYPES.FERRY_APP_GONE, message)).catch(() => undefined);
  await exitWith(log, 1);
}

function logPostResponse(log: Logger, requestId: string, report: SettleReport): void {
  const fields = { request_id: requestId, leases: report.leases, post_response_ms: report.waitedMs, cut_off: report.cutOff.length };
  if (report.cutOff.length === 0) return log.info('post-response work done', fields);
  log.warn('post-response work cut off at the deadline', { ...fields, cut_off_ages_ms: report.cutOff.map((c) => c.ageMs).join(',') });
}

/** SHUTDOWN from Lambda: stop, let open leases finish inside the window, exit 0 before it ends. */
function watchShutdown(extension: ExtensionsClient, log: Logger, app: AppProcess | undefined, leases: LeaseServer): void {
  void (async () => {
    while (true) {
      const event = await extension.nextEvent().catch((error) => {
        log.warn('extension event/next failed', { reason: describeError(error) });
        return undefined;
      });
      if (event === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (event.eventType.toUpperCase() === 'SHUTDOWN') {
        const reason = String(event.shutdownReason ?? '').toLowerCase();
        // Lambda's window is 2 s in total; keep a share of it for flushing logs and exiting.
        const until = Math.min(event.deadlineMs ?? Infinity, Date.now() + 2_000) - SHUTDOWN_EXIT_RESERVE_MS;
        const report = await leases.drain(until);
        if (report.leases > 0) logPostResponse(log, 'shutdown', report);
        app?.kill();
        return exitWith(log, 0, 'shutting down', { reason });
      }
    }
  })();
}

/** Write the last line, let stderr drain, exit. */
function exitWith(log: Logger, code: number, message?: string, fields?: Record<string, string | number | boolean | null | undefined>): Promise<never> {
  if (message) (code === 0 ? log.info : log.error)(message, fields);
  return new Promise(() => {
    process.stderr.write('', () => process.exit(code));
  });
}
