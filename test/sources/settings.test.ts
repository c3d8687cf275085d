import { randomBytes, createHash } from 'node:crypto';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionUrlEvent, sqsEvent } from '../helpers/events.ts';
import { FERRY_MODES, startFerry, type FerryUnderTest } from '../helpers/ferry.ts';

describe.each(FERRY_MODES)('%s mode', (mode) => {
  let ferry: FerryUnderTest;
  beforeAll(async () => {
    ferry = await startFerry({
      mode,
      env: {
        AWS_LWA_ERROR_STATUS_CODES: '500,502-504',
        AWS_LWA_ENABLE_COMPRESSION: 'true',
        AWS_LWA_REMOVE_BASE_PATH: '/api',
        AWS_LWA_AUTHORIZATION_SOURCE: 'x-custom-auth',
        AWS_LWA_PASS_THROUGH_PATH: '/queue/events',
      },
    });
  });
  afterAll(() => ferry.close());

  const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const bodyOf = (lambda: any) => Buffer.from(lambda.body, lambda.isBase64Encoded ? 'base64' : 'utf8');

  describe('binary bodies', () => {
    it.each(['application/octet-stream', 'image/png', 'application/zip', 'application/pdf'])(
      '%s comes back hash-identical in both directions',
      async (type) => {
        const bytes = randomBytes(75 * 1024);
        const lambda = (await ferry.invoke(functionUrlEvent({ method: 'POST', path: '/api/reflect', headers: { 'content-type': type }, body: bytes }))).json();
        expect(lambda.statusCode).toBe(200);
        expect(lambda.isBase64Encoded).toBe(true);
        expect(sha(bodyOf(lambda))).toBe(sha(bytes));
      },
    );

    it('keeps text types as text, including +json suffixes (application/jwk-set+json)', async () => {
      const lambda = (
        await ferry.invoke(
          functionUrlEvent({ method: 'POST', path: '/api/reflect', headers: { 'content-type': 'application/jwk-set+json' }, body: '{"keys":[]}' }),
        )
      ).json();
      expect(lambda.isBase64Encoded).toBe(false);
      expect(lambda.body).toBe('{"keys":[]}');
    });
  });

  describe('AWS_LWA_REMOVE_BASE_PATH=/api', () => {
    it('strips the prefix on a segment boundary', async () => {
      const echo = JSON.parse(bodyOf((await ferry.invoke(functionUrlEvent({ path: '/api/users', query: 'a=1' }))).json()).toString());
      expect(echo.url).toBe('/users?a=1');
    });

    it('leaves /apix alone', async () => {
      const echo = JSON.parse(bodyOf((await ferry.invoke(functionUrlEvent({ path: '/apix' }))).json()).toString());
      expect(echo.url).toBe('/apix');
    });
  });

  describe('AWS_LWA_AUTHORIZATION_SOURCE=x-custom-auth', () => {
    it('moves the named header into authorization', async () => {
      const echo = JSON.parse(
        bodyOf((await ferry.invoke(functionUrlEvent({ path: '/api/me', headers: { 'x-custom-auth': 'Bearer t0k3n' } }))).json()).toString(),
      );
      expect(echo.headers.authorization).toBe('Bearer t0k3n');
      expect(echo.headers['x-custom-auth']).toBeUndefined();
    });
  });

  describe('AWS_LWA_ERROR_STATUS_CODES=500,502-504', () => {
    it("turns a listed status into an invocation error whose errorMessage is LWA's {statusCode, body} JSON", async () => {
      const result = await ferry.invoke(functionUrlEvent({ path: '/api/status', query: 'code=503&body=database%20%22down%22' }));
      expect(result.outcome).toBe('error');
      expect(result.errorType).toBe('Ferry.AppErrorStatus');
      // Byte for byte what Lambda Web Adapter writes, so Step Functions users' parsing keeps working.
      expect(result.json()).toMatchObject({ errorMessage: '{"statusCode":503,"body":"database \\"down\\""}', statusCode: 503 });
      expect(JSON.parse(result.json().errorMessage)).toEqual({ statusCode: 503, body: 'database "down"' });
    });

    it('passes an unlisted status through as an HTTP result', async () => {
      const result = await ferry.invoke(functionUrlEvent({ path: '/api/status', query: 'code=501&body=nope' }));
      expect(result.json()).toMatchObject({ statusCode: 501, body: 'nope' });
    });
  });

  describe('AWS_LWA_ENABLE_COMPRESSION=true', () => {
    const json = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` })) });

    it('compresses with br when the client accepts it, and the body decompresses to what the app sent', async () => {
      const lambda = (
        await ferry.invoke(
          functionUrlEvent({
            method: 'POST',
            path: '/api/reflect',
            headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip, br' },
            body: json,
          }),
        )
      ).json();
      expect(lambda.headers['content-encoding']).toBe('br');
      expect(lambda.isBase64Encoded).toBe(true);
      expect(brotliDecompressSync(bodyOf(lambda)).toString()).toBe(json);
    });

    it('uses gzip when that is all the client takes', async () => {
      const lambda = (
        await ferry.invoke(
          functionUrlEvent({ method: 'POST', path: '/api/reflect', headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' }, body: json }),
        )
      ).json();
      expect(lambda.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(bodyOf(lambda)).toString()).toBe(json);
    });

    it('does not re-compress a body the app already encoded, nor tiny bodies', async () => {
      const already = (
        await ferry.invoke(
          functionUrlEvent({
            method: 'POST',
            path: '/api/reflect',
            headers: { 'content-type': 'application/json', 'x-content-encoding': 'gzip', 'accept-encoding': 'br' },
            body: json,
          }),
        )
      ).json();
      expect(already.headers['content-encoding']).toBe('gzip');
      expect(bodyOf(already).toString()).toBe(json);
      const tiny = (
        await ferry.invoke(
          functionUrlEvent({ method: 'POST', path: '/api/reflect', headers: { 'content-type': 'application/json', 'accept-encoding': 'br' }, body: '{}' }),
        )
      ).json();
      expect(tiny.headers['content-encoding']).toBeUndefined();
    });
  });

  describe('the 6 MB buffered limit', () => {
    it('answers a response over the limit with a 502 that says how to stream instead, and stays healthy', async () => {
      const lambda = (await ferry.invoke(functionUrlEvent({ path: '/api/bytes', query: `size=${7 * 1024 * 1024}` }))).json();
      expect(lambda.statusCode).toBe(502);
      const body = JSON.parse(bodyOf(lambda).toString());
      expect(body.errorType).toBe('Ferry.ResponseTooLarge');
      expect(body.message).toMatch(/AWS_LWA_INVOKE_MODE=response_stream/);
      expect((await ferry.invoke(functionUrlEvent({ path: '/api/after' }))).json().statusCode).toBe(200);
    });

    it('answers a response that fits raw but not once base64-encoded with the same 502', async () => {
      const lambda = (await ferry.invoke(functionUrlEvent({ path: '/api/bytes', query: `size=${5 * 1024 * 1024}&type=application/octet-stream` }))).json();
      expect(lambda.statusCode).toBe(502);
      expect(ferry.emulator.history.filter((h) => h.name === 'rejected')).toEqual([]);
    });
  });

  describe('pass-through events', () => {
    it('returns the app JSON as the invocation result (SQS partial batch failures)', async () => {
      const result = await ferry.invoke(sqsEvent(['a']));
      expect(result.outcome).toBe('response');
      // The pass-through path is Ferry's own, not a client path: AWS_LWA_REMOVE_BASE_PATH does not apply.
      expect(result.json().url).toBe('/queue/events');
    });

    it('reports a non-2xx answer as an invocation error carrying the body, so Lambda retries the batch', async () => {
      const withError = await startFerry({ mode, env: { AWS_LWA_PASS_THROUGH_PATH: '/status?code=500&body=queue%20poisoned' } });
      try {
        const result = await withError.invoke(sqsEvent(['a']));
        expect(result.outcome).toBe('error');
        expect(result.errorType).toBe('Ferry.PassThroughFailed');
        expect(result.json()).toMatchObject({ errorMessage: '{"statusCode":500,"body":"queue poisoned"}', statusCode: 500 });
        const text = await startFerry({ mode, env: { AWS_LWA_PASS_THROUGH_PATH: '/status?code=200&body=plain%20words' } });
        try {
          const plain = await text.invoke(sqsEvent(['a']));
          expect(plain.json()).toBe('plain words');
        } finally {
          await text.close();
        }
      } finally {
        await withError.close();
      }
    });
  });
});
