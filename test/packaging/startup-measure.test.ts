/**
 * layer/measure-startup.mjs is the start-up measurement `npm run bench` reports; here it runs at
 * tiny counts so its API keeps working. No timing is asserted: this machine's load varies too much
 * (layer/README.md has the measured figures).
 */
import { describe, expect, it } from 'vitest';
import { measureColdStart, measureIdleRss, measureRegistration } from '../../layer/measure-startup.mjs';

describe('layer/measure-startup.mjs', () => {
  it('measures spawn → registered for Ferry against node -e 0 and a bare node:http registration', async () => {
    const result = await measureRegistration({ runs: 3 });
    expect(result.runs).toBe(3);
    for (const spread of [result.ferry, result.nodeNoop, result.nodeRegister]) {
      expect(spread.samplesMs).toHaveLength(3);
      expect(spread.medianMs).toBeGreaterThan(0);
      expect(spread.p90Ms).toBeGreaterThanOrEqual(spread.medianMs);
    }
    expect(result.ratio).toBeCloseTo(result.ferry.medianMs / result.nodeNoop.medianMs, 2);
  });

  it.each(['extension', 'runtime'] as const)('measures a %s-mode cold start up to the first response', async (mode) => {
    const result = await measureColdStart({ mode, runs: 1 });
    expect(result.firstResponse.medianMs).toBeGreaterThan(result.initDone.medianMs);
    if (mode === 'extension') expect(result.registered!.medianMs).toBeLessThan(result.initDone.medianMs);
    else expect(result.registered).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')("reads Ferry's resident memory after Init and after one invocation", async () => {
    const rss = await measureIdleRss({ mode: 'extension', settleMs: 100 });
    expect(rss.afterInitKiB).toBeGreaterThan(10_000);
    expect(rss.afterInvokeKiB).toBeGreaterThan(10_000);
  });
});
