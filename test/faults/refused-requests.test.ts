/**
 * Requests Ferry refuses to send (header values HTTP/1.1 cannot carry, invalid names or methods)
 * get a 400 and must leave nothing behind: no pooled app connection, no file descriptor. And an
 * fd shortage is Ferry's own trouble, never a sign that the app is gone.
 */
import { describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../helpers/events.ts';
import { useFerry } from '../helpers/ferry.ts';
import { limitOpenFiles, openFds } from './support.ts';

const start = useFerry();

describe('a request Ferry cannot send', () => {
  it('leaks no app connection: 150 refused requests under `ulimit -n 128` leave the fd count where it was', async () => {
    // No keep-alive timeout in the app: a leaked connection would stay open for good.
    const ferry = await start({ env: { ECHO_KEEP_ALIVE_MS: '0' } });
    const ok = async (path: string) => {
      const result = await ferry.invoke(functionUrlEvent({ path }));
      expect(result.json().statusCode).toBe(200);
      expect(JSON.parse(result.json().body).url).toBe(path);
    };
    await ok('/warm');
    const baseline = openFds(ferry.ferryPid);
    limitOpenFiles(ferry.ferryPid, 128);
    for (let i = 0; i < 150; i++) {
      await ok(`/ok-${i}`);
      const refused = await ferry.invoke(functionUrlEvent({ path: `/bad-${i}`, headers: { 'x-a': 'ü€' } }));
      expect(refused.json().statusCode).toBe(400);
      expect(JSON.parse(refused.json().body).errorType).toBe('Ferry.InvalidEvent');
    }
    await ok('/after');
    expect(openFds(ferry.ferryPid)).toBeLessThanOrEqual(baseline + 1);
  });
});
