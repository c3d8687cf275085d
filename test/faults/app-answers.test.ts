/**
 * The app answers what no well-behaved server sends, or breaks off: every case gets its expected
 * result, buffered and streamed, and Ferry serves the next invocation.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../helpers/events.ts';
import { ROOT, startFerry, type FerryUnderTest } from '../helpers/ferry.ts';

const RAW_APP = ['node', path.join(ROOT, 'test/fixtures/raw-app.mjs')];

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Streamed only: the error trailer's type. */
  trailerError?: string;
}

for (const mode of ['buffered', 'response_stream'] as const) {
  describe(`the app's odd answers (${mode})`, () => {
    let ferry: FerryUnderTest;
    beforeAll(async () => {
      ferry = await startFerry({ app: RAW_APP, env: mode === 'buffered' ? {} : { AWS_LWA_INVOKE_MODE: 'response_stream' } });
    });
    afterAll(() => ferry.close());

    async function ask(path: string, timeoutMs?: number): Promise<Answer> {
      const result = await ferry.invoke(functionUrlEvent({ path }), { timeoutMs });
      if (mode === 'buffered') {
        expect(result.outcome).toBe('response');
        const lambda = result.json();
        return { status: lambda.statusCode, headers: lambda.headers, body: lambda.body };
      }
      expect(result.streamed).toBe(true);
      return {
        status: result.prelude!.statusCode!,
        headers: result.prelude!.headers ?? {},
        body: result.payload.toString(),
        trailerError: result.streamError?.errorType,
      };
    }
    const errorType = (answer: Answer) => JSON.parse(answer.body).errorType;

    it('ignores an unsolicited 100 Continue before the real answer', async () => {
      expect(await ask('/continue')).toMatchObject({ status: 200, body: 'ok' });
    });

    it('ignores 103 Early Hints before the real answer', async () => {
      expect(await ask('/early-hints')).toMatchObject({ status: 200, body: 'ok' });
    });

    it('answers a status outside 200-599 with a 502 naming it', async () => {
      const answer = await ask('/status-999');
      expect(answer.status).toBe(502);
      expect(errorType(answer)).toBe('Ferry.InvalidAppResponse');
      expect(JSON.parse(answer.body).message).toMatch(/status 999/);
    });

    it.each([
      ['a control byte in a header', '/control-byte', /Invalid header value char/],
      ['a bare CR in a header', '/bare-cr', /Missing expected LF/],
      ['bytes that are not HTTP', '/garbage', /not valid HTTP\/1\.1/],
    ])('names %s as an invalid response, not a length mismatch', async (_what, path, cause) => {
      const answer = await ask(path);
      expect(answer.status).toBe(502);
      expect(errorType(answer)).toBe('Ferry.InvalidAppResponse');
      expect(JSON.parse(answer.body).message).toMatch(cause);
      expect(JSON.parse(answer.body).message).not.toMatch(/content-length/i);
    });

    it('answers headers over 16 KiB (2,000 Set-Cookie) with a 502 that names the limit', async () => {
      const answer = await ask('/cookies-2000');
      expect(answer.status).toBe(502);
      expect(errorType(answer)).toBe('Ferry.InvalidAppResponse');
      expect(JSON.parse(answer.body).message).toMatch(/larger than Ferry's limit of 16384 bytes/);
    });

    it('passes a 204 with a Content-Length and no body as a 204 (as @hono/node-server sends it)', async () => {
      const answer = await ask('/no-content');
      expect(answer).toMatchObject({ status: 204, body: '' });
      expect(answer.headers['content-length']).toBeUndefined();
      expect(answer.trailerError).toBeUndefined();
    });

    it('passes a 304 with a Content-Length and no body as a 304', async () => {
      const answer = await ask('/not-modified');
      expect(answer).toMatchObject({ status: 304, body: '' });
      expect(answer.headers.etag).toBe('"x"');
      expect(answer.trailerError).toBeUndefined();
    });

    it('keeps response headers named after Object.prototype members', async () => {
      const answer = await ask('/prototype-names');
      expect(Object.hasOwn(answer.headers, '__proto__') && answer.headers.__proto__).toBe('p');
      expect(answer.headers.constructor).toBe('c');
    });

    it('relays a trickling answer whole', async () => {
      expect(await ask('/trickle')).toMatchObject({ status: 200, body: '0123456789' });
    });

    it('answers an app that resets the connection with a 502', async () => {
      const answer = await ask('/reset');
      expect(answer.status).toBe(502);
      expect(errorType(answer)).toBe('Ferry.AppConnectionFailed');
    });

    it('answers an app that stalls mid-body by the deadline', async () => {
      const result = await ferry.invoke(functionUrlEvent({ path: '/stall' }), { timeoutMs: 1500 });
      if (mode === 'buffered') {
        expect(result.json().statusCode).toBe(504);
        expect(JSON.parse(result.json().body).errorType).toBe('Ferry.DeadlineExceeded');
      } else {
        // The prelude and the first bytes went out: the stream ends with an error trailer.
        expect(result.prelude?.statusCode).toBe(200);
        expect(result.payload.toString()).toBe('hal');
        expect(result.streamError?.errorType).toBe('Ferry.DeadlineExceeded');
      }
    });

    it('serves the next invocation after all of these', async () => {
      expect(await ask('/health')).toMatchObject({ status: 200, body: 'ok' });
    });
  });
}
