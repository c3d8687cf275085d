/**
 * The streaming example app (apps/streaming) behind a Function URL in RESPONSE_STREAM mode.
 * Streaming is checked with a client that reads the body piece by piece (undici), because a
 * buffered client (supertest, fetch().text()) cannot tell a stream from a late buffered answer.
 * Every "before" is an order of observed events (what the client read, what the app logged),
 * never a measured duration.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocal, type LocalLambda } from '../../adapter/local/index.ts';
import { FERRY_MODES } from '../helpers/ferry.ts';

describe.each(FERRY_MODES)('%s mode', (mode) => {
  let lambda: LocalLambda;
  /** What happened, in order: the app's log lines and what the client read. */
  let timeline: string[] = [];

  beforeAll(async () => {
    lambda = await startLocal({
      inline: mode === 'inline',
      command: ['node', 'server.js'],
      cwd: fileURLToPath(new URL('../../apps/streaming/', import.meta.url)),
      event: 'function-url',
      invokeMode: 'response_stream',
      port: 0,
      onLog: (log) => {
        if (log.source === 'app') timeline.push(`app: ${log.line}`);
      },
    });
  });

  afterAll(async () => {
    await lambda?.close();
  });

  beforeEach(() => {
    timeline = [];
  });

  describe('the streaming app behind a Function URL in RESPONSE_STREAM mode', () => {
    it('delivers server-sent events one by one while the app is still writing them', async () => {
      const res = await request(`${lambda.url}/events?count=5`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/event-stream');

      let text = '';
      for await (const chunk of res.body) {
        text += chunk.toString();
        for (const [, n] of text.matchAll(/^data: \{"n":(\d+)/gm)) {
          if (!timeline.includes(`client: event ${n}`)) timeline.push(`client: event ${n}`);
        }
      }

      const received = timeline.filter((entry) => entry.startsWith('client:'));
      expect(received).toEqual(['client: event 1', 'client: event 2', 'client: event 3', 'client: event 4', 'client: event 5']);
      // The first event was in the client's hands before the app wrote the last one.
      expect(timeline.indexOf('client: event 1')).toBeLessThan(timeline.indexOf('app: sse: sent event 5'));
    });

    it('shows the first part of a streamed HTML page before the app writes the second', async () => {
      const res = await request(`${lambda.url}/page`);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      let html = '';
      for await (const chunk of res.body) {
        html += chunk.toString();
        if (html.includes('id="first"') && !timeline.includes('client: first part')) timeline.push('client: first part');
      }
      expect(html).toContain('id="second"');
      expect(timeline.indexOf('client: first part')).toBeLessThan(timeline.indexOf('app: page: second part sent'));
    });

    it('streams a 20 MiB download (over the 6 MB buffered limit) byte for byte', async () => {
      const mib = 20;
      const res = await request(`${lambda.url}/download?mib=${mib}`);
      expect(res.statusCode).toBe(200);
      const received = createHash('sha256');
      let bytes = 0;
      let chunks = 0;
      for await (const chunk of res.body) {
        received.update(chunk);
        bytes += chunk.length;
        chunks++;
      }
      expect(bytes).toBe(mib * 1024 * 1024);
      expect(chunks).toBeGreaterThan(1);
      expect(received.digest('hex')).toBe(expectedDownloadHash(bytes));
    });
  });

  /** The app's pattern (apps/streaming/app.js, `downloadByte`), computed here independently. */
  function expectedDownloadHash(size: number): string {
    const hash = createHash('sha256');
    const block = Buffer.alloc(1024 * 1024);
    for (let offset = 0; offset < size; offset += block.length) {
      for (let j = 0; j < block.length; j++) {
        const i = offset + j;
        block[j] = (i * 31 + (i >>> 16)) & 0xff;
      }
      hash.update(block);
    }
    return hash.digest('hex');
  }
});
