import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPreludeSplitter, type StreamPrelude } from '../../adapter/local/emulator/index.ts';
import { echo, next, NULS, parked, send, stream, useEmulator } from './raw-client.ts';

const start = useEmulator();

const PRELUDE = { statusCode: 201, headers: { 'content-type': 'text/plain', 'x-a': '1' }, cookies: ['a=1; Path=/', 'b=2'] };

/** Feed `bytes` to a splitter in the given piece sizes; return what came out. */
function split(bytes: Buffer, sizes: (i: number) => number) {
  const preludes: Buffer[] = [];
  const body: Buffer[] = [];
  const splitter = createPreludeSplitter({ onPrelude: (b) => preludes.push(Buffer.from(b)), onBody: (c) => body.push(Buffer.from(c)) });
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = Math.max(1, sizes(i));
    splitter.push(bytes.subarray(at, at + n));
    at += n;
  }
  return { preludes, body: Buffer.concat(body), end: splitter.end() };
}

describe('the prelude splitter (bytes, never chunk boundaries)', () => {
  const wire = Buffer.concat([Buffer.from(JSON.stringify(PRELUDE)), NULS, Buffer.from([0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3])]);

  it('finds the prelude fed byte by byte, and keeps NUL bytes of the body that follow the delimiter', () => {
    const out = split(wire, () => 1);
    expect(out.preludes.map((p) => JSON.parse(p.toString()))).toEqual([PRELUDE]);
    expect([...out.body]).toEqual([0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
  });

  it('gives the same answer for every way of cutting the bytes, the NUL run split anywhere', () => {
    const expected = split(wire, () => wire.length);
    for (let size = 1; size <= 12; size++) {
      for (let offset = 0; offset < size; offset++) {
        const out = split(wire, (i) => (i === 0 ? offset || size : size));
        expect(out.preludes).toEqual(expected.preludes);
        expect(out.body.equals(expected.body)).toBe(true);
      }
    }
  });

  it('reports no prelude when the stream ends before 8 NULs (7 are not enough)', () => {
    const out = split(Buffer.concat([Buffer.from('{"statusCode":200}'), Buffer.alloc(7)]), () => 3);
    expect(out.preludes).toEqual([]);
    expect(out.end.found).toBe(false);
    expect(out.end.pending.length).toBe(25);
  });
});

describe('streamed /response uploads', () => {
  it('parses a prelude sent byte by byte and a NUL run split across chunks, calling back as bytes arrive', async () => {
    const e = await start();
    const seen: string[] = [];
    const chunks: Buffer[] = [];
    const invoked = e.invoke(
      {},
      {
        onPrelude: (p: StreamPrelude) => seen.push(`prelude ${p.statusCode}`),
        onBodyChunk: (c) => {
          seen.push(`chunk ${c.length}`);
          chunks.push(Buffer.from(c));
        },
      },
    );
    const d = await next(e);
    const preludeBytes = Buffer.from(JSON.stringify(PRELUDE));
    const pieces: Buffer[] = [...preludeBytes].map((b) => Buffer.from([b]));
    pieces.push(Buffer.alloc(3), Buffer.concat([Buffer.alloc(5), Buffer.from('hel')]), Buffer.from('lo '), Buffer.from('world'));
    const reply = await stream(e, d, pieces);
    expect(reply.status).toBe(202);
    expect(reply.json()).toEqual({ status: 'OK' });

    const result = await invoked;
    expect(result).toMatchObject({ outcome: 'response', streamed: true, prelude: PRELUDE, bodyBytes: 11, trailers: {} });
    expect(result.payload.toString()).toBe('hello world');
    expect(result.sha256).toBe(createHash('sha256').update('hello world').digest('hex'));
    expect(Buffer.concat(chunks).toString()).toBe('hello world');
    expect(seen[0]).toBe('prelude 201');
    expect(seen.length).toBeGreaterThan(1);
    const t = result.timings;
    expect(t.preludeAt).toBeLessThanOrEqual(t.firstByteAt!);
    expect(t.firstByteAt).toBeLessThanOrEqual(t.lastByteAt!);
    expect(t.lastByteAt).toBeLessThanOrEqual(t.completedAt);
    expect(result.uploadHeaders?.['transfer-encoding']).toBe('chunked');
  });

  it('accepts a prelude with an empty body (redirects, 204)', async () => {
    const e = await start();
    const invoked = e.invoke({});
    const d = await next(e);
    expect((await stream(e, d, [Buffer.concat([Buffer.from('{"statusCode":204}'), NULS])])).status).toBe(202);
    const result = await invoked;
    expect(result).toMatchObject({ outcome: 'response', prelude: { statusCode: 204 }, bodyBytes: 0 });
    expect(result.payload.length).toBe(0);
    expect(result.timings.firstByteAt).toBeUndefined();
  });

  it('decodes an error sent in the HTTP trailers after the prelude went out, and still answers 202', async () => {
    const e = await start();
    const invoked = e.invoke({});
    const d = await next(e);
    const errorBody = { errorType: 'Ferry.AppStreamFailed', errorMessage: 'app reset the connection' };
    const reply = await stream(e, d, [Buffer.concat([Buffer.from('{"statusCode":200}'), NULS]), 'partial'], {
      'Lambda-Runtime-Function-Error-Type': 'Ferry.AppStreamFailed',
      'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(errorBody)).toString('base64'),
    });
    expect(reply.status).toBe(202);
    const result = await invoked;
    expect(result).toMatchObject({
      outcome: 'error',
      errorType: 'Ferry.AppStreamFailed',
      streamError: { errorType: 'Ferry.AppStreamFailed', body: errorBody },
      trailers: { 'lambda-runtime-function-error-type': 'Ferry.AppStreamFailed' },
    });
    expect(result.payload.toString()).toBe('partial');
  });

  it('answers /next with 403 while a streamed upload is still in flight', async () => {
    const e = await start();
    const invoked = e.invoke({});
    const d = await next(e);
    const uploading = stream(e, d, [Buffer.concat([Buffer.from('{"statusCode":200}'), NULS]), 'a', 'b', 'c'].map(String));
    await e.waitFor('stream-started');
    const early = await send(e, 'GET', '/2018-06-01/runtime/invocation/next');
    expect(early.status).toBe(403);
    expect(early.json().errorType).toBe('InvalidStateTransition');
    expect((await uploading).status).toBe(202);
    expect((await invoked).payload.toString()).toBe('abc');
    expect(e.history.filter((h) => h.name === 'rejected').map((h) => h.payload.status)).toEqual([403]);
    parked(next(e));
    await e.waitFor(
      'runtime-next',
      undefined,
      3000,
      e.history.findIndex((h) => h.name === 'invocation-done'),
    );
  });

  it('counts and hashes without keeping bytes (discardBody), and marks a stream over the limit tooLarge with a 413', async () => {
    const e = await start({ streamLimitBytes: 64 * 1024 });
    const invoked = e.invoke({}, { discardBody: true });
    const d = await next(e);
    const body = Buffer.alloc(100 * 1024, 0x62);
    const reply = await send(e, 'POST', `/2018-06-01/runtime/invocation/${d.requestId}/response`, {
      chunks: [Buffer.concat([Buffer.from('{"statusCode":200}'), NULS]), body.subarray(0, 50_000), body.subarray(50_000)],
      headers: { ...echo(d), 'Lambda-Runtime-Function-Response-Mode': 'streaming', 'Content-Type': 'application/vnd.awslambda.http-integration-response' },
    });
    expect(reply.status).toBe(413);
    const result = await invoked;
    expect(result).toMatchObject({ outcome: 'error', errorType: 'Function.ResponseSizeTooLarge', tooLarge: true, bodyBytes: 100 * 1024 });
    expect(result.payload.length).toBe(0);
    expect(result.sha256).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('takes everything as body when the Content-Type announces no prelude, and says so', async () => {
    const e = await start();
    const invoked = e.invoke({});
    const d = await next(e);
    const reply = await send(e, 'POST', `/2018-06-01/runtime/invocation/${d.requestId}/response`, {
      chunks: ['{"statusCode":200}', NULS, 'x'],
      headers: { ...echo(d), 'Lambda-Runtime-Function-Response-Mode': 'streaming', 'Content-Type': 'application/octet-stream' },
    });
    expect(reply.status).toBe(202);
    const result = await invoked;
    expect(result.prelude).toBeUndefined();
    expect(result.preludeError).toMatch(/no prelude expected/);
    expect(result.bodyBytes).toBe(18 + 8 + 1);
  });
});
