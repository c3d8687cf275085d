/** compressResponse: AWS_LWA_ENABLE_COMPRESSION for buffered responses, checked by decompressing. */
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { AppResponse } from '../../adapter/events/index.ts';
import { chooseEncoding, compressResponse } from '../../adapter/respond/compression.ts';

const HTML = Buffer.from(`<!doctype html><title>Ferry</title>${'<p>The quick brown fox jumps over the lazy dog.</p>'.repeat(100)}`);

function html(overrides: Partial<AppResponse> = {}): AppResponse {
  return { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': String(HTML.length) }, body: HTML, ...overrides };
}

function decompress(response: AppResponse): Buffer {
  const coding = response.headers['content-encoding'];
  if (coding === 'br') return brotliDecompressSync(response.body);
  if (coding === 'gzip') return gunzipSync(response.body);
  return response.body;
}

describe('chooseEncoding', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['identity', undefined],
    ['deflate', undefined],
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, deflate, br', 'br'],
    ['gzip, br', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=1.0, gzip;q=0.8', 'br'],
    ['gzip;q=0.8, br;q=0.8', 'br'],
    ['br;q=0, gzip;q=0', undefined],
    ['br;q=0, gzip', 'gzip'],
    ['*', 'br'],
    ['*;q=0.1, gzip;q=0.5', 'gzip'],
    ['*, br;q=0', 'gzip'],
    ['x-gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['br;q=abc, gzip', 'gzip'],
  ])('Accept-Encoding %j → %s', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});

describe('compressResponse', () => {
  it.each(['br', 'gzip'])('compresses with %s, fixes content-length and adds vary', (coding) => {
    const out = compressResponse(html(), coding);
    expect(out.headers['content-encoding']).toBe(coding);
    expect(out.headers['content-length']).toBe(String(out.body.length));
    expect(out.headers.vary).toBe('accept-encoding');
    expect(out.body.length).toBeLessThan(HTML.length / 5);
    expect(decompress(out).equals(HTML)).toBe(true);
  });

  it('prefers br when the client weighs br and gzip equally', () => {
    expect(compressResponse(html(), 'gzip, deflate, br').headers['content-encoding']).toBe('br');
  });

  it('does not mutate the response it was given', () => {
    const original = html();
    const headers = { ...original.headers };
    compressResponse(original, 'br');
    expect(original.headers).toEqual(headers);
    expect(original.body).toBe(HTML);
  });

  it('never compresses twice: an app that set Content-Encoding (Next.js gzips itself) is left alone', () => {
    const response = html({ headers: { 'content-type': 'text/html', 'content-encoding': 'gzip' } });
    expect(compressResponse(response, 'br')).toBe(response);
  });

  it.each([204, 304, 206, 101])('leaves status %i alone', (statusCode) => {
    const response = html({ statusCode });
    expect(compressResponse(response, 'br')).toBe(response);
  });

  it('leaves a range response alone', () => {
    const response = html({ headers: { 'content-type': 'text/html', 'content-range': 'bytes 0-99/1000' } });
    expect(compressResponse(response, 'br')).toBe(response);
  });

  it('leaves bodies under the threshold (default 1 KiB) alone, and honours minBytes', () => {
    const small = html({ body: HTML.subarray(0, 1023) });
    expect(compressResponse(small, 'br')).toBe(small);
    expect(compressResponse(small, 'br', { minBytes: 100 }).headers['content-encoding']).toBe('br');
  });

  it('leaves a bodiless HEAD answer alone, Content-Length included', () => {
    const head = html({ body: Buffer.alloc(0) });
    expect(compressResponse(head, 'br')).toBe(head);
  });

  it.each([
    'image/png',
    'image/jpeg',
    'video/mp4',
    'audio/mpeg',
    'application/zip',
    'application/gzip',
    'font/woff2',
    'application/x-7z-compressed',
    'text/event-stream',
    'application/grpc+proto',
  ])('does not compress %s', (type) => {
    const response = html({ headers: { 'content-type': type } });
    expect(compressResponse(response, 'br')).toBe(response);
  });

  it.each(['image/svg+xml', 'application/json', 'application/javascript', 'text/css', 'application/problem+json'])('compresses %s', (type) => {
    expect(compressResponse(html({ headers: { 'content-type': type } }), 'gzip').headers['content-encoding']).toBe('gzip');
  });

  it('respects Cache-Control: no-transform', () => {
    const response = html({ headers: { 'content-type': 'text/html', 'cache-control': 'public, no-transform' } });
    expect(compressResponse(response, 'br')).toBe(response);
  });

  it('adds Vary but sends identity when the client accepts no br or gzip', () => {
    for (const accept of [undefined, 'identity', 'deflate', 'br;q=0, gzip;q=0']) {
      const out = compressResponse(html(), accept);
      expect(out.headers['content-encoding']).toBeUndefined();
      expect(out.headers.vary).toBe('accept-encoding');
      expect(out.body).toBe(HTML);
    }
  });

  it('appends to an existing Vary, and leaves Vary: * or one that already names it', () => {
    expect(compressResponse(html({ headers: { 'content-type': 'text/html', Vary: 'Origin' } }), 'br').headers.vary).toBe('Origin, accept-encoding');
    expect(compressResponse(html({ headers: { 'content-type': 'text/html', vary: '*' } }), 'br').headers.vary).toBe('*');
    expect(compressResponse(html({ headers: { 'content-type': 'text/html', vary: 'Accept-Encoding' } }), 'br').headers.vary).toBe('Accept-Encoding');
  });

  it('sends incompressible bytes as they are when compression would not make them smaller', () => {
    const noise = randomBytes(4096);
    const out = compressResponse({ statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, body: noise }, 'gzip');
    expect(out.headers['content-encoding']).toBeUndefined();
    expect(out.body).toBe(noise);
  });

  it('weakens a strong ETag on a compressed response and keeps a weak one', () => {
    expect(compressResponse(html({ headers: { 'content-type': 'text/html', etag: '"abc"' } }), 'br').headers.etag).toBe('W/"abc"');
    expect(compressResponse(html({ headers: { 'content-type': 'text/html', etag: 'W/"abc"' } }), 'br').headers.etag).toBe('W/"abc"');
  });

  it('keeps every other header, Set-Cookie included', () => {
    const out = compressResponse(
      html({ headers: { 'content-type': 'text/html', 'set-cookie': ['a=1', 'b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT'], 'x-app': 'yes' } }),
      'gzip',
    );
    expect(out.headers).toMatchObject({ 'set-cookie': ['a=1', 'b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT'], 'x-app': 'yes', 'content-encoding': 'gzip' });
  });

  it("round-trips any body: decompressing gives back the app's bytes", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 5000 }).map((b) => Buffer.from(b)),
          fc.string({ maxLength: 3000 }).map((s) => Buffer.from(s.repeat(3))),
        ),
        fc.constantFrom(undefined, 'gzip', 'br', 'gzip, br', 'br;q=0.1, gzip;q=0.9', '*'),
        (body, accept) => {
          const out = compressResponse({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body }, accept, { minBytes: 0 });
          expect(decompress(out).equals(body)).toBe(true);
          if (out.headers['content-encoding']) expect(out.headers['content-length']).toBe(String(out.body.length));
        },
      ),
      { numRuns: 200 },
    );
  });
});
