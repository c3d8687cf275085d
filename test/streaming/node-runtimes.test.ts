/**
 * Lambda runs Ferry on Node 20, 22 or 24, and node:http's internals differ between them: Node 22
 * merges the chunks of a corked request and never emits 'drain' for them, which stalled a first
 * version of the upload's write batching on 22 only. The streaming essentials again, with Ferry
 * and the app both on Node 22 and on Node 24 (this suite's own Node is 20).
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_SIZE, patternBlock } from '../fixtures/pattern.mjs';
import { functionUrlEvent } from '../helpers/events.ts';
import { FERRY_MODES, ROOT, startFerry, type FerryUnderTest } from '../helpers/ferry.ts';
import { installNode } from '../helpers/node-runtime.ts';

const MiB = 1024 * 1024;

for (const major of ['22', '24']) {
  describe.each(FERRY_MODES)(`response streaming on Node ${major}, %s mode`, (mode) => {
    let ferry: FerryUnderTest;
    let nodeBin: string;
    beforeAll(async () => {
      nodeBin = installNode(major);
      ferry = await startFerry({
        mode,
        app: ['node', `${ROOT}/test/fixtures/stream-app.mjs`],
        env: { AWS_LWA_INVOKE_MODE: 'response_stream', PATH: `${nodeBin}:${process.env.PATH}` },
      });
    }, 240_000);
    afterAll(() => ferry?.close());

    it(`runs Ferry on Node ${major}`, () => {
      expect(realpathSync(`/proc/${ferry.ferryPid}/exe`)).toBe(realpathSync(path.join(nodeBin, 'node')));
    });

    it('streams 64 MiB hash-identical, with back-pressure from a slow reader', async () => {
      const blocks = (64 * MiB) / BLOCK_SIZE;
      const expected = createHash('sha256');
      for (let i = 0; i < blocks; i++) expected.update(patternBlock(i));
      // A reader that pauses now and then makes Ferry wait for 'drain' on the upload.
      let chunks = 0;
      const result = await ferry.invoke(functionUrlEvent({ path: '/big', query: `blocks=${blocks}` }), {
        discardBody: true,
        readDelayMs: 1,
        onBodyChunk: () => void chunks++,
      });
      expect(result.streamError).toBeUndefined();
      expect(result.bodyBytes).toBe(64 * MiB);
      expect(result.sha256).toBe(expected.digest('hex'));
      expect(chunks).toBeGreaterThan(1);
    });

    it('forwards each server-sent event as it is written and ends an empty body', async () => {
      const arrivals: string[][] = [];
      const sse = await ferry.invoke(functionUrlEvent({ path: '/sse', query: 'n=3&every=50' }), {
        onBodyChunk: (chunk) => void arrivals.push(chunk.toString().match(/id: \d+/g) ?? []),
      });
      expect(sse.payload.toString().match(/id: \d+/g)).toEqual(['id: 1', 'id: 2', 'id: 3']);
      // 50 ms apart: each event arrived on its own, not held back to fill a buffer.
      expect(arrivals.filter((ids) => ids.length > 0)).toEqual([['id: 1'], ['id: 2'], ['id: 3']]);
      const empty = await ferry.invoke(functionUrlEvent({ path: '/empty' }));
      expect(empty.prelude?.statusCode).toBe(204);
      expect(empty.bodyBytes).toBe(0);
    });
  });
}
