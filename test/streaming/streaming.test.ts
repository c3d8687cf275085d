import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_SIZE, patternBlock } from '../fixtures/pattern.mjs';
import { functionUrlEvent } from '../helpers/events.ts';
import { FERRY_MODES, ROOT, residentBytes, startFerry, type FerryUnderTest } from '../helpers/ferry.ts';

describe.each(FERRY_MODES)('%s mode', (mode) => {
  let ferry: FerryUnderTest;
  beforeAll(async () => {
    ferry = await startFerry({ mode, app: ['node', `${ROOT}/test/fixtures/stream-app.mjs`], env: { AWS_LWA_INVOKE_MODE: 'response_stream' } });
  });
  afterAll(() => ferry.close());

  const MiB = 1024 * 1024;
  const FIXTURES = `${ROOT}/test/fixtures/events`;
  const appProgress = async () => (await (await request(`http://127.0.0.1:${ferry.port}/written`)).body.json()) as { bytes: number; events: number };

  /**
   * The most that may wait between the app and the emulator's reader when the reader is slow: two
   * TCP hops (app → Ferry → emulator), each a send buffer and a receive buffer the kernel grows up
   * to this machine's limits (here 4 and 32 MiB), plus Ferry's own read and upload buffers.
   */
  function bufferedOnTheWay(): number {
    const limit = (name: string, fallback: number) => {
      const max = Number(readFileSync(`/proc/sys/net/ipv4/${name}`, 'utf8').trim().split(/\s+/)[2]);
      return Number.isFinite(max) && max > 0 ? max : fallback;
    };
    return 2 * (limit('tcp_wmem', 4 * MiB) + limit('tcp_rmem', 6 * MiB)) + 8 * MiB;
  }

  describe('response streaming', () => {
    it('streams 190 MiB hash-identical while Ferry resident memory grows by at most 64 MiB', async () => {
      const blocks = (190 * MiB) / BLOCK_SIZE;
      const expected = createHash('sha256');
      for (let i = 0; i < blocks; i++) expected.update(patternBlock(i));

      const baseline = residentBytes(ferry.ferryPid);
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(ferry.ferryPid))), 20);
      const result = await ferry
        .invoke(functionUrlEvent({ path: '/big', query: `blocks=${blocks}` }), { discardBody: true })
        .finally(() => clearInterval(sampler));

      expect(result.outcome).toBe('response');
      expect(result.streamError).toBeUndefined();
      expect(result.prelude?.statusCode).toBe(200);
      expect(result.bodyBytes).toBe(190 * MiB);
      expect(result.sha256).toBe(expected.digest('hex'));
      expect(peak - baseline).toBeLessThanOrEqual(64 * MiB);
    });

    it('holds back-pressure end to end: a slow reader holds the app back', { timeout: 30_000 }, async () => {
      // Twice what the buffers on the way can hold: without back-pressure the app would soon be
      // nearly all of it ahead of the reader.
      const bound = bufferedOnTheWay();
      const blocks = Math.ceil((2 * bound) / BLOCK_SIZE);
      let received = 0;
      let maxAhead = 0;
      let checks = Promise.resolve();
      const result = await ferry.invoke(functionUrlEvent({ path: '/big', query: `blocks=${blocks}` }), {
        discardBody: true,
        readDelayMs: 1,
        onBodyChunk: (chunk) => {
          received += chunk.length;
          const at = received;
          if (at % (2 * MiB) < chunk.length) {
            checks = checks.then(async () => {
              maxAhead = Math.max(maxAhead, (await appProgress()).bytes - at);
            });
          }
        },
      });
      await checks;
      expect(result.bodyBytes).toBe(blocks * BLOCK_SIZE);
      expect(maxAhead).toBeLessThan(bound);
    });

    it('forwards each server-sent event before the app writes the next one', async () => {
      const seenWhenReceived: Array<[string, number]> = [];
      let checks = Promise.resolve();
      const result = await ferry.invoke(functionUrlEvent({ path: '/sse', query: 'n=5&every=250' }), {
        onBodyChunk: (chunk) => {
          const ids = [...chunk.toString().matchAll(/id: (\d+)/g)].map((m) => m[1]!);
          checks = checks.then(async () => {
            const { events } = await appProgress();
            for (const id of ids) seenWhenReceived.push([id, events]);
          });
        },
      });
      await checks;
      expect(result.prelude?.headers?.['content-type']).toBe('text/event-stream');
      // Event n reached the emulator while the app had written exactly n events.
      expect(seenWhenReceived).toEqual([
        ['1', 1],
        ['2', 2],
        ['3', 3],
        ['4', 4],
        ['5', 5],
      ]);
    });

    it('always sends the prelude and ends the stream for an empty body (204)', async () => {
      const result = await ferry.invoke(functionUrlEvent({ path: '/empty' }));
      expect(result.outcome).toBe('response');
      expect(result.prelude).toMatchObject({ statusCode: 204, headers: { 'x-empty': 'yes' }, cookies: [] });
      expect(result.payload.length).toBe(0);
    });

    it('streams a redirect with its location and no body', async () => {
      const result = await ferry.invoke(functionUrlEvent({ path: '/redirect' }));
      expect(result.prelude).toMatchObject({ statusCode: 302, headers: { location: '/elsewhere' } });
      expect(result.payload.length).toBe(0);
    });

    it('answers HEAD with a prelude and no body', async () => {
      const result = await ferry.invoke(functionUrlEvent({ method: 'HEAD', path: '/cookies' }));
      expect(result.prelude?.statusCode).toBe(201);
      expect(result.payload.length).toBe(0);
    });

    it('puts every Set-Cookie in the prelude cookies, whole, and joins other repeated headers', async () => {
      const result = await ferry.invoke(functionUrlEvent({ path: '/cookies' }));
      expect(result.prelude).toMatchObject({
        statusCode: 201,
        cookies: ['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly'],
        headers: { 'x-multi': 'one, two', 'content-type': 'text/plain' },
      });
      expect(result.prelude?.headers?.['set-cookie']).toBeUndefined();
      expect(result.payload.toString()).toBe('cookies set');
    });

    it('ends a stream the app breaks off with error trailers, never with text in the body, and keeps serving', async () => {
      const result = await ferry.invoke(functionUrlEvent({ path: '/crash', query: 'after=3000' }));
      expect(result.prelude?.statusCode).toBe(200);
      expect(result.payload).toEqual(Buffer.alloc(3000, 0x62));
      expect(result.streamError?.errorType).toBe('Ferry.AppConnectionFailed');
      expect(result.streamError?.body.errorMessage).toMatch(/broke off after 3000 bytes/);
      expect((await ferry.invoke(functionUrlEvent({ path: '/cookies' }))).payload.toString()).toBe('cookies set');
    });

    it("streams Ferry's own error response when the app is not ready before the deadline", async () => {
      const result = await ferry.invoke(functionUrlEvent({ path: '/nowhere' }));
      expect(result.prelude?.statusCode).toBe(404);
      const unreachable = await startFerry({
        mode,
        app: ['node', '-e', 'setTimeout(() => {}, 60000)'],
        env: { AWS_LWA_INVOKE_MODE: 'response_stream', AWS_LWA_ASYNC_INIT: 'true', FERRY_INIT_READINESS_TIMEOUT_MS: '100', FERRY_DEADLINE_MARGIN_MS: '200' },
      });
      try {
        const failed = await unreachable.invoke(functionUrlEvent(), { timeoutMs: 1500 });
        expect(failed.prelude?.statusCode).toBe(504);
        expect(JSON.parse(failed.payload.toString())).toMatchObject({ errorType: 'Ferry.AppNotReady' });
      } finally {
        await unreachable.close();
      }
    });
  });

  describe('sources that cannot stream, in response_stream mode', () => {
    it('answers an ALB event with a buffered ALB result: ALB cannot stream', async () => {
      const event = JSON.parse(readFileSync(`${FIXTURES}/aws-lambda-go/alb-lambda-target-request-headers-only.json`, 'utf8'));
      const result = await ferry.invoke({ ...event, path: '/cookies', httpMethod: 'GET', body: '', isBase64Encoded: false });
      expect(result.streamed).toBe(false);
      expect(result.json()).toMatchObject({ statusCode: 201, statusDescription: '201 Created', body: 'cookies set' });
    });

    it('streams a REST API (payload 1.0) event: API Gateway REST can stream', async () => {
      const event = JSON.parse(readFileSync(`${FIXTURES}/powertools/apigw-rest-no-auth.json`, 'utf8'));
      const result = await ferry.invoke({ ...event, path: '/cookies', httpMethod: 'GET', body: null, isBase64Encoded: false });
      expect(result.streamed).toBe(true);
      expect(result.prelude?.cookies).toHaveLength(2);
      expect(result.payload.toString()).toBe('cookies set');
    });
  });

  describe('response streaming limits', () => {
    it('stops at 200 MiB with an error trailer that says why, and stays healthy', async () => {
      const blocks = (201 * MiB) / BLOCK_SIZE;
      const result = await ferry.invoke(functionUrlEvent({ path: '/big', query: `blocks=${blocks}` }), { discardBody: true });
      expect(result.bodyBytes).toBe(200 * MiB);
      expect(result.streamError?.errorType).toBe('Ferry.ResponseTooLarge');
      expect(result.streamError?.body.errorMessage).toMatch(/streaming limit/);
      expect(ferry.ferryLogs().join('\n')).toMatch(/stream ended with an error/);
      expect((await ferry.invoke(functionUrlEvent({ path: '/cookies' }))).payload.toString()).toBe('cookies set');
    });

    it('ends a stream the app stalls past the deadline with a deadline trailer before Lambda times out', async () => {
      const result = await ferry.invoke(functionUrlEvent({ path: '/stall' }), { timeoutMs: 1500 });
      expect(result).toMatchObject({ outcome: 'error', streamed: true });
      expect(result.payload.toString()).toBe('partial ');
      expect(result.streamError?.errorType).toBe('Ferry.DeadlineExceeded');
      expect(ferry.emulator.history.some((h) => h.name === 'sandbox-reset')).toBe(false);
    });
  });
});
