/**
 * The two lines that say how Init went: at its end (registration, readiness, total), and with the
 * first invocation (a cold start, or a sandbox Lambda initialised ahead of demand).
 */
import type { Logger } from '../log.ts';
import type { ReadinessResult } from '../proxy/readiness.ts';
import { uptimeMs } from '../uptime.ts';

/** A first invocation this long after Init means Lambda initialised the sandbox ahead of demand. */
const PROACTIVE_INIT_AFTER_MS = 10_000;

export interface InitTimes {
  /** `uptimeMs()` when main.ts started, and when it had registered (or started the app). */
  startedAt: number;
  registeredAt: number;
}

/** Log the end of Init now; the returned function logs the cold start on its first call only. */
export function reportInit(log: Logger, times: InitTimes, readiness: ReadinessResult): () => void {
  const initMs = Math.round(uptimeMs() - times.startedAt);
  const endedAt = Date.now();
  log.info(readiness.ready ? 'app ready' : 'app not ready yet: Init ends now and the first invocation keeps waiting (AWS_LWA_ASYNC_INIT)', {
    register_ms: Math.round(times.registeredAt - times.startedAt),
    readiness_ms: readiness.waitedMs,
    init_ms: initMs,
  });
  let logged = false;
  return () => {
    if (logged) return;
    logged = true;
    log.info('cold start', { init_ms: initMs, readiness_ms: readiness.waitedMs, proactive_init: Date.now() - endedAt > PROACTIVE_INIT_AFTER_MS });
  };
}
