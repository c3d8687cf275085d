import { describe, expect, it } from 'vitest';
import { functionUrlEvent, sqsEvent } from '../helpers/events.ts';
import { FERRY_MODES, ROOT, useFerry } from '../helpers/ferry.ts';

const startFerry = useFerry();

describe.each(FERRY_MODES)('%s mode', (mode) => {
  describe('the invocation deadline', () => {
    it('answers a hung app with a 504 before the deadline, and the sandbox stays warm', async () => {
      const ferry = await startFerry({ mode, env: { FERRY_DEADLINE_MARGIN_MS: '300' } });
      const result = await ferry.invoke(functionUrlEvent({ path: '/hang' }), { timeoutMs: 1500 });
      expect(result.outcome).toBe('response');
      const lambda = result.json();
      expect(lambda.statusCode).toBe(504);
      expect(JSON.parse(lambda.body)).toMatchObject({ errorType: 'Ferry.DeadlineExceeded' });
      const answeredAfter = result.timings.completedAt - result.timings.deliveredAt!;
      expect(answeredAfter).toBeLessThan(1500);
      expect(answeredAfter).toBeGreaterThanOrEqual(1100);
      console.info(`504 answered ${Math.round(answeredAfter)} ms after delivery; deadline 1500 ms, margin 300 ms`);
      expect(ferry.emulator.history.some((h) => h.name === 'sandbox-reset')).toBe(false);
      expect((await ferry.invoke(functionUrlEvent({ path: '/next-one' }))).json().statusCode).toBe(200);
    });

    it('answers a pass-through event the app does not finish with an invocation error before the deadline', async () => {
      const ferry = await startFerry({ mode, env: { FERRY_DEADLINE_MARGIN_MS: '300', AWS_LWA_PASS_THROUGH_PATH: '/hang' } });
      const result = await ferry.invoke(sqsEvent(['x']), { timeoutMs: 1200 });
      expect(result.outcome).toBe('error');
      expect(result.errorType).toBe('Ferry.DeadlineExceeded');
      expect(ferry.emulator.history.some((h) => h.name === 'sandbox-reset')).toBe(false);
    });

    it('tells the app where to take a lease, and refuses a lease begun after the invocation was settled', async () => {
      const ferry = await startFerry({ mode });
      const echo = JSON.parse((await ferry.invoke(functionUrlEvent({ path: '/lease' }))).json().body);
      const leaseUrl: string = echo.headers['x-ferry-lease-url'];
      expect(leaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/leases\//);
      expect((await fetch(leaseUrl, { method: 'POST' })).status).toBe(410);
    });

    it('cuts off a lease the app never ends at the deadline minus the margin, logs its age, and serves the next invocation', async () => {
      const ferry = await startFerry({ mode, env: { FERRY_DEADLINE_MARGIN_MS: '300' }, app: ['node', `${ROOT}/test/fixtures/lease-app.cjs`] });
      const result = await ferry.invoke(sqsEvent(['x']), { timeoutMs: 1500 });
      expect(result.outcome).toBe('response');
      await ferry.sandbox.waitForLog(/post-response work cut off at the deadline .*cut_off=1 .*cut_off_ages_ms=\d+/, 5_000);
      expect(ferry.emulator.history.some((h) => h.name === 'sandbox-reset')).toBe(false);
      expect((await ferry.invoke(sqsEvent(['y']), { timeoutMs: 5000 })).outcome).toBe('response');
    });
  });
});
