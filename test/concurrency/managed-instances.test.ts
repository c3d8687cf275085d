import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../helpers/events.ts';
import { FERRY_MODES, ROOT, useFerry } from '../helpers/ferry.ts';

const APP = ['node', `${ROOT}/test/fixtures/concurrent-app.mjs`];
const N = 8;

const startFerry = useFerry();

/** Interleaved fast and slow requests, some with post-response leases, some that fail. */
function mixedInvocations(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const id = `inv-${i}`;
    const path = i % 7 === 3 ? '/fail' : '/echo';
    const query = `id=${id}&delay=${(i * 37) % 120}${i % 3 === 0 ? '&lease=80' : ''}`;
    return { id, path, event: functionUrlEvent({ method: 'POST', path, query, headers: { 'x-id': id }, body: `body of ${id}` }) };
  });
}

async function appMaxInFlight(port: number): Promise<number> {
  return ((await (await request(`http://127.0.0.1:${port}/stats`)).body.json()) as { maxInFlight: number }).maxInFlight;
}

describe.each(FERRY_MODES)('%s mode', (mode) => {
  describe('Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY=8)', () => {
    it('serves 8 invocations at once in buffered mode, and nothing of one reaches another', async () => {
      const ferry = await startFerry({ mode, app: APP, emulator: { maxConcurrency: N } });
      const invocations = mixedInvocations(48);
      const results = await Promise.all(invocations.map((inv) => ferry.invoke(inv.event, { timeoutMs: 10_000 })));

      const leaseUrls = new Set<string>();
      results.forEach((result, i) => {
        const { id, path } = invocations[i]!;
        const lambda = result.json();
        if (path === '/fail') {
          expect(lambda.statusCode).toBe(502);
          return;
        }
        expect(lambda.statusCode).toBe(200);
        expect(JSON.parse(lambda.body)).toMatchObject({ id, header: id, body: `body of ${id}`, requestId: result.requestId });
        expect(lambda.cookies).toEqual([`id=${id}`]);
        leaseUrls.add(JSON.parse(lambda.body).leaseUrl);
      });
      expect(leaseUrls.size).toBe(results.filter((_, i) => invocations[i]!.path !== '/fail').length);
      expect(await appMaxInFlight(ferry.port)).toBeGreaterThan(1);
      expect(ferry.emulator.history.filter((h) => h.name === 'rejected')).toEqual([]);
    });

    it('streams 8 responses at once with interleaved chunks, each stream carrying only its own invocation', async () => {
      const ferry = await startFerry({ mode, app: APP, emulator: { maxConcurrency: N }, env: { AWS_LWA_INVOKE_MODE: 'response_stream' } });
      const invocations = Array.from({ length: 24 }, (_, i) => `s-${i}`);
      const results = await Promise.all(
        invocations.map((id, i) =>
          ferry.invoke(functionUrlEvent({ path: '/stream', query: `id=${id}&delay=${(i * 13) % 40}${i % 2 ? '&lease=50' : ''}`, headers: { 'x-id': id } }), {
            timeoutMs: 10_000,
          }),
        ),
      );
      results.forEach((result, i) => {
        const id = invocations[i]!;
        expect(result.prelude).toMatchObject({ statusCode: 200, cookies: [`id=${id}`] });
        const lines = result.payload
          .toString()
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line));
        expect(lines).toHaveLength(4);
        for (const line of lines) expect(line).toMatchObject({ id, header: id, requestId: result.requestId });
      });
      expect(await appMaxInFlight(ferry.port)).toBeGreaterThan(1);
    });

    it('keeps the other loops serving while one invocation hangs past its deadline', async () => {
      const ferry = await startFerry({ mode, app: APP, emulator: { maxConcurrency: 4 }, env: { FERRY_DEADLINE_MARGIN_MS: '200' } });
      const hung = ferry.invoke(functionUrlEvent({ path: '/echo', query: 'id=hung&delay=60000' }), { timeoutMs: 1500 });
      const fast = [];
      for (let i = 0; i < 20; i++) fast.push(await ferry.invoke(functionUrlEvent({ path: '/echo', query: `id=f${i}` }), { timeoutMs: 5_000 }));
      for (const [i, result] of fast.entries()) expect(JSON.parse(result.json().body).id).toBe(`f${i}`);
      const hungResult = await hung;
      expect(hungResult.json().statusCode).toBe(504);
    });

    it('logs a 410 for a response that arrived after the deadline and keeps serving', async () => {
      // The platform's clock runs 400 ms ahead of the deadline it advertised: Ferry's 504 is late.
      const ferry = await startFerry({ mode, app: APP, emulator: { maxConcurrency: 4 }, env: { FERRY_DEADLINE_MARGIN_MS: '100' } });
      const late = ferry.invoke(functionUrlEvent({ path: '/echo', query: 'id=late&delay=5000' }), { timeoutMs: 300, deadlineSkewMs: 400 });
      await ferry.sandbox.waitForLog(/refused a late response \(410\)/, 5_000);
      expect((await late).lateResponseRejected).toBe(true);
      const next = await ferry.invoke(functionUrlEvent({ path: '/echo', query: 'id=after' }));
      expect(JSON.parse(next.json().body).id).toBe('after');
    });
  });
});
