import { describe, expect, it } from 'vitest';
import { useFerry } from '../helpers/ferry.ts';
import { functionUrlEvent } from '../helpers/events.ts';

const startFerry = useFerry();

describe('an app that is gone', () => {
  it('answers 502 for the invocation, then reports the app gone and exits so Lambda replaces the sandbox', async () => {
    const ferry = await startFerry();
    const result = await ferry.invoke(functionUrlEvent({ path: '/exit' }));
    expect(result.json().statusCode).toBe(502);
    await ferry.sandbox.waitForLog(/The app stopped answering/, 10_000);
    const ferryProcess = ferry.sandbox.processes.find((p) => p !== ferry.sandbox.runtime)!;
    await new Promise((resolve) => (ferryProcess.exitCode !== null ? resolve(null) : ferryProcess.once('exit', resolve)));
    expect(ferryProcess.exitCode).toBe(1);
  });
});
