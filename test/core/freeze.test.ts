import { describe, expect, it } from 'vitest';
import { ROOT, useFerry } from '../helpers/ferry.ts';
import { functionUrlEvent } from '../helpers/events.ts';

const startFerry = useFerry();

describe('freeze and thaw', () => {
  it('serves the first request after a freeze longer than the app keep-alive timeout (Express, 5 s)', async () => {
    const ferry = await startFerry({ app: ['node', `${ROOT}/apps/express/server.js`], emulator: { freeze: true } });
    expect((await ferry.invoke(functionUrlEvent({ path: '/users/1' }))).json().statusCode).toBe(200);
    await ferry.emulator.waitFor('freeze', undefined, 5_000);
    // Both processes are stopped while the app's 5 s keep-alive timer is due to fire.
    await new Promise((resolve) => setTimeout(resolve, 5_600));
    for (let i = 0; i < 3; i++) {
      const result = await ferry.invoke(functionUrlEvent({ path: `/users/${i}` }));
      expect(result.json().statusCode).toBe(200);
      expect(JSON.parse(result.json().body).id).toBe(String(i));
    }
    expect(ferry.ferryLogs().join('\n')).not.toMatch(/ERROR/);
  }, 20_000);
});
