/**
 * The wiring, in the order the data flows: configuration → app health and shutdown → readiness
 * (the end of Init) → invocation loops, each invocation going event → request → app → response →
 * result (handle-invocation.ts). Every stage gets its collaborators here, as arguments.
 */
import type { AppProcess } from './app-process.ts';
import { loadConfig, type Config, type Env } from './config.ts';
import { describeError, ferryCode } from './errors.ts';
import { handleInvocation, type HandlerDeps } from './handle-invocation.ts';
import { startLeaseServer } from './lease/index.ts';
import { watchAppHealth, type WaitForReady } from './lifecycle/app-health.ts';
import { createExits } from './lifecycle/exits.ts';
import { capYoungGeneration } from './lifecycle/heap.ts';
import { reportInit } from './lifecycle/init-report.ts';
import { logPostResponse } from './lifecycle/post-response.ts';
import { watchShutdown } from './lifecycle/shutdown.ts';
import { createLogger } from './log.ts';
import { createAppClient } from './proxy/app-client.ts';
import type { ExtensionsClient } from './runtime/extensions-api.ts';
import { runLoops } from './runtime/loop.ts';
import { createStreamOpener } from './runtime/response-stream.ts';
import { createRuntimeApi } from './runtime/runtime-api.ts';

export interface ServeOptions {
  env: Env;
  /** Set in extension mode (registered before this module was loaded). */
  extension: ExtensionsClient | undefined;
  /** Set in runtime mode (the app process main.ts started before this module was loaded) and inline (this very process, adapter/inline). */
  app: AppProcess | undefined;
  /** `uptimeMs()` when main.ts started, and when it had registered (or started the app). */
  startedAt: number;
  registeredAt: number;
  /** Inline mode: readiness from the app's own listen() instead of probes. */
  waitForReady?: WaitForReady;
}

export async function serve({ env, extension, app, startedAt, registeredAt, waitForReady }: ServeOptions): Promise<void> {
  let config: Readonly<Config>;
  try {
    config = loadConfig(env);
  } catch (error) {
    const bootLog = createLogger({ format: env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON' ? 'json' : 'text', level: 'INFO' });
    return createExits({ log: bootLog, runtime: createRuntimeApi(env.AWS_LAMBDA_RUNTIME_API ?? ''), extension, app }).initFailed(error);
  }
  const log = createLogger({ format: config.logFormat, level: config.logLevel });
  for (const warning of config.warnings) log.warn(warning);
  const runtime = createRuntimeApi(config.runtimeApi, {
    onRejected: (call, status, body) => log.warn('the Runtime API refused a call', { call, status, body }),
  });
  const exits = createExits({ log, runtime, extension, app });
  const health = watchAppHealth({ config, log, exits, app, startedAt, waitForReady });
  const leases = await startLeaseServer();
  capYoungGeneration(app, log);
  watchShutdown({ extension, app, leases, log, exits });

  const logColdStart = reportInit(log, { startedAt, registeredAt }, await health.endOfInit());

  const pipeline: HandlerDeps = {
    config,
    log,
    runtime,
    openStream: createStreamOpener(config.runtimeApi),
    app: createAppClient(config.host, config.port, { idleTimeoutMs: config.poolIdleTimeoutMs }),
    appReady: health.ready,
    onAppUnreachable: health.unreachable,
    extraHeaders: (invocation) => leases.open(invocation.requestId).headers,
  };
  await runLoops({
    concurrency: config.maxConcurrency,
    runtime,
    log,
    isFatal: (error) => ferryCode(error) === 'FERRY_RUNTIME_API',
    handle: (invocation) => {
      logColdStart();
      return handleInvocation(invocation, pipeline);
    },
    afterResult: async (invocation) => {
      // Post-response work: hold /next (and so the freeze) until the app's leases end.
      logPostResponse(log, invocation.requestId, await leases.settle(invocation.requestId, invocation.deadlineMs - config.deadlineMarginMs));
      await health.afterResult();
    },
  }).catch((error) => exits.exit(1, 'fatal error', { reason: describeError(error) }));
}
