/**
 * Waiting for leases, shared by settle (one invocation) and drain (SHUTDOWN, every scope).
 * Lambda freezes the sandbox as soon as Ferry asks for the next invocation, so whatever is still
 * open when the wait ends is cut off: the app learns it on its held connection.
 */
import { uptimeMs } from '../uptime.ts';
import type { Scope } from './scope.ts';
import type { SettleReport } from './types.ts';

export function settleScopes(scopes: readonly Scope[], untilMs: number): Promise<SettleReport> {
  // The hot path: most invocations begin no lease. No timer, no extra turn of the event loop.
  if (scopes.every((scope) => scope.open === 0)) return Promise.resolve(closeAll(scopes, 0));
  const waitMs = untilMs - Date.now();
  // NaN reads as "no time left" rather than as a 1 ms timer, Node's reading of it.
  if (!(waitMs > 0)) return Promise.resolve(closeAll(scopes, 0));
  return waitThenClose(scopes, Math.min(waitMs, MAX_TIMER_MS));
}

/** setTimeout turns anything longer into 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

async function waitThenClose(scopes: readonly Scope[], waitMs: number): Promise<SettleReport> {
  const started = uptimeMs();
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve();
    }, waitMs);
  });
  try {
    // A lease may begin while another ends (work that starts more work), so look again after
    // every wake-up instead of trusting one round of idle().
    while (!timedOut && scopes.some((scope) => scope.open > 0)) {
      await Promise.race([Promise.all(scopes.map((scope) => scope.idle())), deadline]);
    }
  } finally {
    clearTimeout(timer);
  }
  return closeAll(scopes, Math.round(uptimeMs() - started));
}

function closeAll(scopes: readonly Scope[], waitedMs: number): SettleReport {
  let leases = 0;
  const cutOff: SettleReport['cutOff'] = [];
  for (const scope of scopes) {
    scope.close();
    leases += scope.begun;
    cutOff.push(...scope.cutOff);
  }
  return { leases, waitedMs, cutOff };
}
