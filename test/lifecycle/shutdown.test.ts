import { describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../helpers/events.ts';
import { ROOT, useFerry } from '../helpers/ferry.ts';

const startFerry = useFerry();

describe('SHUTDOWN', () => {
  it.each(['spindown', 'TIMEOUT', 'Failure'])('exits 0 within the window on SHUTDOWN (%s), reason compared case-insensitively', async (reason) => {
    const ferry = await startFerry();
    expect((await ferry.invoke(functionUrlEvent())).json().statusCode).toBe(200);
    const stopped = await ferry.sandbox.stop(reason as 'spindown');
    expect(stopped.exitCodes.ferry).toBe(0);
    expect(stopped.killed).not.toContain('ferry');
    expect(ferry.ferryLogs().join('\n')).toMatch(new RegExp(`shutting down reason=${reason.toLowerCase()}`));
  });

  it('lets an open lease finish inside the shutdown window, then exits 0', async () => {
    const ferry = await startFerry({ app: ['node', `${ROOT}/test/fixtures/lease-app.cjs`], env: { LEASE_MS: '700', IGNORE_SIGTERM: '1' } });
    const since = ferry.emulator.mark();
    // Shut down as soon as the response is in, while the lease is still open.
    const result = await ferry.invoke(functionUrlEvent({ path: '/work' }));
    expect(result.json().statusCode).toBe(200);
    const stopped = await ferry.sandbox.stop('spindown');
    expect(stopped.exitCodes.ferry).toBe(0);
    expect(stopped.killed).not.toContain('ferry');
    const logs = ferry.ferryLogs().join('\n');
    expect(logs).toMatch(/post-response work done .*leases=1 .*post_response_ms=(\d{3,})/);
    expect(logs).not.toMatch(/cut off/);
    expect(ferry.emulator.history.slice(since).some((h) => h.name === 'shutdown-delivered')).toBe(true);
  });

  it('cuts off a lease that outlives the shutdown window and still exits 0 before the end of it', async () => {
    const ferry = await startFerry({ app: ['node', `${ROOT}/test/fixtures/lease-app.cjs`], env: { IGNORE_SIGTERM: '1' } });
    expect((await ferry.invoke(functionUrlEvent({ path: '/work' }), { timeoutMs: 60_000 })).json().statusCode).toBe(200);
    const stopped = await ferry.sandbox.stop('spindown');
    expect(stopped.exitCodes.ferry).toBe(0);
    expect(stopped.killed).not.toContain('ferry');
    expect(ferry.ferryLogs().join('\n')).toMatch(/post-response work cut off at the deadline .*cut_off=1/);
  });
});
