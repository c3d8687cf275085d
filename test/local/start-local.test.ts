/**
 * startLocal: the real emulator, the built Ferry and a real app, behind the front door.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_SOURCES, startLocal, type LocalLambda } from '../../adapter/local/index.ts';
import { functionUrlEvent } from '../helpers/events.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ECHO = ['node', 'test/fixtures/echo-app.mjs'];

let lambda: LocalLambda | undefined;
afterEach(async () => {
  await lambda?.close();
  lambda = undefined;
});

describe('startLocal', () => {
  it.each(EVENT_SOURCES)('carries a request to the app and its answer back through the %s front end', async (event) => {
    lambda = await startLocal({ command: ECHO, cwd: ROOT, event, port: 0 });
    const res = await fetch(`${lambda.url}/echo/a%20b?x=1&x=2`, {
      method: 'POST',
      headers: { cookie: 'a=1; b=2', 'x-test': 'yes', 'content-type': 'application/json' },
      body: '{"n":1}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-echo')).toBe('yes');
    const seen = await res.json();
    expect(seen.method).toBe('POST');
    expect(decodeURIComponent(seen.url)).toBe(event === 'alb' ? '/echo/a b?x=2' : '/echo/a b?x=1&x=2');
    expect(seen.headers.cookie).toBe('a=1; b=2');
    expect(seen.headers['x-test']).toBe('yes');
    expect(Buffer.from(seen.body, 'base64').toString()).toBe('{"n":1}');
  });

  it('sends raw events with invoke() and collects the app’s, Ferry’s and the front door’s lines', async () => {
    lambda = await startLocal({ command: ECHO, cwd: ROOT, port: 0 });
    const result = await lambda.invoke(functionUrlEvent({ path: '/raw' }));
    expect(result.json().statusCode).toBe(200);
    await fetch(`${lambda.url}/through-the-door`);
    expect(lambda.logs.map((l) => l.source)).toEqual(expect.arrayContaining(['ferry', 'lambda']));
    expect(lambda.logs).toContainEqual({ source: 'lambda', line: expect.stringMatching(/^GET \/through-the-door 200 \d+ ms$/) });
  });

  it('close() is Lambda’s shutdown: SIGTERM to the app, SHUTDOWN to Ferry', async () => {
    lambda = await startLocal({ command: ECHO, cwd: ROOT, port: 0 });
    const { emulator } = lambda;
    await lambda.close();
    expect(emulator.history.find((e) => e.name === 'shutdown')?.payload).toMatchObject({ reason: 'spindown' });
    expect(lambda.logs).toContainEqual({ source: 'ferry', line: expect.stringContaining('shutting down reason=spindown') });
    const exits = emulator.history.filter((e) => e.name === 'process-exit').map((e) => e.payload);
    expect(exits).toContainEqual(expect.objectContaining({ source: 'runtime', signal: 'SIGTERM' }));
    expect(exits).toContainEqual(expect.objectContaining({ source: 'ferry', code: 0 }));
  });

  it('fails with the app’s last words when the app exits before Init ends', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-local-'));
    try {
      await writeFile(path.join(dir, 'crash.mjs'), "console.error('missing DATABASE_URL'); process.exit(3);\n");
      await expect(startLocal({ command: ['node', 'crash.mjs'], cwd: dir, port: 0 })).rejects.toThrow(
        /the app exited \(code 3\) before Init finished[\s\S]*missing DATABASE_URL/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says how to build Ferry when the executable is missing', async () => {
    await expect(startLocal({ command: ECHO, ferryPath: '/nonexistent/ferry', port: 0 })).rejects.toThrow(/npm run build/);
  });
});
