/**
 * The waitUntil example (apps/wait-until): work the app does AFTER its response still runs to
 * the end, although the sandbox freezes between invocations (freeze is on, as on Lambda).
 * Without waitUntil the sandbox would freeze before the 300 ms of post-response work end.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalLambda } from '../../adapter/local/index.ts';
import { FERRY_MODES } from '../helpers/ferry.ts';

describe.each(FERRY_MODES)('%s mode', (mode) => {
  let lambda: LocalLambda;
  let dir: string;
  let receipts: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-wait-until-'));
    receipts = path.join(dir, 'receipts.txt');
    lambda = await startLocal({
      inline: mode === 'inline',
      command: ['node', 'server.js'],
      cwd: fileURLToPath(new URL('../../apps/wait-until/', import.meta.url)),
      env: { RECEIPTS_FILE: receipts },
      freeze: true,
      port: 0,
    });
  });

  afterAll(async () => {
    await lambda?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('waitUntil in an Express app, with the sandbox freezing between invocations', () => {
    it('finishes the post-response work before the sandbox freezes', async () => {
      const { emulator } = lambda;
      const before = emulator.mark();
      await request(lambda.url).post('/orders').send({ id: 7 }).expect(201);
      // The sandbox freezes once the runtime and Ferry are idle: with a lease held, only after the
      // work ended. So at the first freeze after this invocation, the receipt must be there.
      const answered = emulator.history.findIndex((event, at) => at >= before && event.name === 'invocation-done');
      await emulator.waitFor('freeze', undefined, 5_000, answered);
      expect(await readFile(receipts, 'utf8')).toBe('receipt for order 7\n');
      // Written before the freeze; its pipe may be read after it.
      await expect.poll(() => lambda.logs).toContainEqual({ source: 'app', line: 'receipt written for order 7' });
    });
  });
});
