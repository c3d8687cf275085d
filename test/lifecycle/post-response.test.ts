import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../helpers/events.ts';
import { FERRY_MODES, ROOT, useFerry } from '../helpers/ferry.ts';

/** Stands in for the mail service: records when each post-response request arrived. */
async function startCapture() {
  const arrivals = new Map<string, number>();
  const server = http.createServer((req, res) => {
    arrivals.set(new URL(req.url!, 'http://x').searchParams.get('id')!, performance.now());
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals, close: () => new Promise((r) => server.close(r)) };
}

const startFerry = useFerry();
let capture: Awaited<ReturnType<typeof startCapture>>;
beforeAll(async () => {
  capture = await startCapture();
  return () => capture.close();
});
afterEach(() => capture.arrivals.clear());

const signup = (id: number) => functionUrlEvent({ method: 'POST', path: `/signup/${id}`, headers: { 'content-type': 'application/json' }, body: '{}' });

describe.each(FERRY_MODES)('%s mode', (mode) => {
  describe('work after the response (the "silent crash" app)', () => {
    it('without a lease, the freeze stops the work: it has not run by the time the sandbox froze', async () => {
      // The work waits 1 s instead of 300 ms so that even a slow machine freezes the sandbox first.
      const ferry = await startFerry({
        mode,
        app: ['node', `${ROOT}/test/fixtures/silent-crash-app.mjs`],
        env: { CAPTURE_URL: capture.url, WORK_DELAY_MS: '1000' },
        emulator: { freeze: true },
      });
      const since = ferry.emulator.mark();
      const result = await ferry.invoke(signup(1));
      expect(result.json().statusCode).toBe(201);
      await ferry.emulator.waitFor('freeze', undefined, 15_000, since);
      // Frozen for two seconds: twice the work's delay, and still nothing arrived.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(capture.arrivals.has('1')).toBe(false);
      // It was frozen, not lost: invocations thaw the sandbox and the old work runs then. Each thaw
      // lasts only until the sandbox is idle again (5 ms after the next /next), which can come
      // before the work's request is through, so invoke until it arrives (bounded).
      for (let id = 2; id < 50 && !capture.arrivals.has('1'); id++) await ferry.invoke(signup(id));
      expect(capture.arrivals.has('1')).toBe(true);
    });

    it('with waitUntil, 100 of 100 invocations deliver their work before the freeze, each after its response', async () => {
      const ferry = await startFerry({
        mode,
        app: ['node', `${ROOT}/test/fixtures/silent-crash-app.mjs`],
        env: { CAPTURE_URL: capture.url, USE_LEASE: '1' },
        emulator: { freeze: true },
      });
      const rows: Array<{ responseDone: number; workArrived: number; frozeAt: number }> = [];
      for (let id = 0; id < 100; id++) {
        const since = ferry.emulator.mark();
        const result = await ferry.invoke(signup(id));
        expect(result.json().statusCode).toBe(201);
        await ferry.emulator.waitFor('freeze', undefined, 15_000, since);
        const frozeAt = ferry.emulator.history.findLast((h) => h.name === 'freeze')!.at;
        rows.push({
          responseDone: result.timings.completedAt - result.timings.invokedAt,
          workArrived: (capture.arrivals.get(String(id)) ?? NaN) - result.timings.invokedAt,
          frozeAt: frozeAt - result.timings.invokedAt,
        });
      }
      for (const row of rows) {
        expect(row.workArrived).toBeLessThan(row.frozeAt);
        expect(row.responseDone).toBeLessThan(row.workArrived);
      }
      const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!.toFixed(1);
      console.info(
        `silent crash, 100 invocations, median ms after invoke: response ${median(rows.map((r) => r.responseDone))}, work arrived ${median(rows.map((r) => r.workArrived))}, frozen ${median(rows.map((r) => r.frozeAt))}`,
      );
      const logs = ferry.ferryLogs().join('\n');
      expect(logs).toMatch(/post-response work done .*leases=1 .*post_response_ms=\d+/);
    }, 120_000);
  });
});
