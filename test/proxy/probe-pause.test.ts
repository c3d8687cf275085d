import { describe, expect, it } from 'vitest';
import { probePause } from '../../adapter/proxy/readiness.ts';

describe('the pause between readiness probes', () => {
  it('is 10 ms for the first 80 ms of the wait, then an eighth of the time waited, at most 100 ms', () => {
    expect([0, 40, 80, 160, 400, 800, 5_000, 60_000].map(probePause)).toEqual([10, 10, 10, 20, 50, 100, 100, 100]);
  });

  it('notices an app at most an eighth of its start-up late, however long it takes', () => {
    for (const readyAt of [95, 300, 650, 1_700, 9_000]) {
      // Probe times up to the first one at or after readyAt.
      let at = 0;
      while (at < readyAt) at += probePause(at);
      expect(at - readyAt).toBeLessThanOrEqual(Math.max(10, readyAt / 8));
    }
  });
});
