/**
 * test/bench/lib/startup-measure.mjs gives `npm run bench` its registration figure and the
 * cold-start cross-check against a stub Lambda API; here it runs at tiny counts so its API keeps
 * working. No timing is asserted: this machine's load varies too much (test/bench/README.md has
 * the measured figures).
 */
import { describe, expect, it } from 'vitest';
import { measureColdStart, measureIdleRss, measureRegistration, msSpread } from './lib/startup-measure.mjs';

describe('test/bench/lib/startup-measure.mjs', () => {
  it('measures spawn → registered for Ferry against node -e 0 and a bare node:http registration', async () => {
    const result = await measureRegistration({ runs: 3 });
    expect(result.runs).toBe(3);
    for (const spread of [result.ferry, result.nodeNoop, result.nodeRegister]) {
      expect(spread.samples).toHaveLength(3);
      expect(spread.unit).toBe('ms');
      expect(spread.median).toBeGreaterThan(0);
      expect(spread.p90).toBeGreaterThanOrEqual(spread.median!);
    }
    expect(result.ratio).toBeCloseTo(result.ferry.median! / result.nodeNoop.median!, 2);
  });

  it.each(['extension', 'runtime'] as const)('measures a %s-mode cold start up to the first response', async (mode) => {
    const result = await measureColdStart({ mode, runs: 1 });
    expect(result.firstResponse.median).toBeGreaterThan(result.initDone.median!);
    if (mode === 'extension') expect(result.registered!.median).toBeLessThan(result.initDone.median!);
    else expect(result.registered).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')("reads Ferry's resident memory after Init and after one invocation", async () => {
    const rss = await measureIdleRss({ mode: 'extension', settleMs: 100 });
    expect(rss.afterInitKiB).toBeGreaterThan(10_000);
    expect(rss.afterInvokeKiB).toBeGreaterThan(10_000);
  });

  it('summarises samples as a stats.mjs spread with a nearest-rank p90', () => {
    expect(msSpread([5, 1, 4, 2, 3, 10, 6, 7, 8, 9])).toEqual({
      median: 5.5,
      min: 1,
      max: 10,
      n: 10,
      unit: 'ms',
      samples: [5, 1, 4, 2, 3, 10, 6, 7, 8, 9],
      p90: 9,
    });
  });
});
