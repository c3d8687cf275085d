/**
 * The contract every codec keeps, run once per source model by codecs.contract.test.ts.
 * Where a source cannot keep a clause (ALB single-value mode carries one Set-Cookie), the model's
 * traits say so and the expectation follows them; nothing is skipped silently.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isTextBody, type AppResponse, type EncodeOptions } from '../../adapter/events/index.ts';
import {
  appHeader,
  expectedHeaderValues,
  expectedQuery,
  expectedResponseValues,
  expectedSetCookies,
  parseQuery,
  splitTarget,
  type ClientRequest,
  type SourceModel,
} from './sources.ts';

const DECODE = { includeStage: false };
const ENCODE: EncodeOptions = { isTextBody };

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A real 1×1 PNG. */
export const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
/** A zip-like buffer: local file header magic, then bytes that are not valid UTF-8. */
export const ZIP_LIKE = Buffer.concat([Buffer.from('504b0304140000000800', 'hex'), Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]), randomBytes(200)]);

export function clientRequest(overrides: Partial<ClientRequest> = {}): ClientRequest {
  return { method: 'GET', path: '/', query: [], headers: [['host', 'example.com']], cookies: [], body: null, ...overrides };
}

function appResponse(overrides: Partial<AppResponse> = {}): AppResponse {
  return { statusCode: 200, headers: {}, body: Buffer.alloc(0), ...overrides };
}

export function defineCodecContract(model: SourceModel): void {
  const { codec, traits } = model;
  const decode = (request: ClientRequest) => codec.toRequest(model.event(request), DECODE);
  const roundTrip = (response: AppResponse, request = clientRequest()) => model.receive(codec.toResult(response, model.event(request), ENCODE));

  describe(`${model.name} codec contract`, () => {
    it('forwards the method, the encoded path and every query value', () => {
      const request = clientRequest({
        method: 'PATCH',
        path: '/users/J%C3%BCrgen/files/a%20b%2Bc',
        query: [
          ['tag', 'x y'],
          ['id', '1'],
          ['tag', 'ü&=+%'],
        ],
      });
      const app = decode(request);
      expect(app.method).toBe('PATCH');
      const { path, query } = splitTarget(app.target);
      if (traits.path === 'exact') expect(path).toBe(request.path);
      else expect(decodeURIComponent(path)).toBe(decodeURIComponent(request.path));
      expect(parseQuery(query)).toEqual(expectedQuery(traits, request.query));
      expect(app.target).toMatch(/^[\x21-\x7e]+$/);
    });

    it('sends no "?" when the client sent no query', () => {
      expect(decode(clientRequest({ path: '/plain' })).target).toBe('/plain');
    });

    it('keeps every value of a repeated request header, in order', () => {
      const request = clientRequest({
        headers: [
          ['host', 'example.com'],
          ['x-multi', 'first'],
          ['accept', '*/*'],
          ['x-multi', 'second'],
          ['x-multi', 'third'],
        ],
      });
      const app = decode(request);
      expect(appHeader(app, 'x-multi')).toEqual(expectedHeaderValues(traits, ['first', 'second', 'third']));
      expect(appHeader(app, 'accept')).toEqual(['*/*']);
    });

    it('forwards cookies with commas and "=" as one Cookie header', () => {
      const cookies = ['session=a,b=c', 'prefs=Wed, 21 Oct 2015', 'empty='];
      const app = decode(clientRequest({ cookies }));
      expect(app.headers.cookie).toBe(cookies.join('; '));
    });

    it('drops framing headers the HTTP client sets itself', () => {
      const body = Buffer.from('{"a":1}');
      const app = decode(
        clientRequest({
          method: 'POST',
          headers: [
            ['host', 'example.com'],
            ['content-type', 'application/json'],
            ['content-length', '7'],
            ['connection', 'keep-alive'],
            ['transfer-encoding', 'identity'],
          ],
          body,
        }),
      );
      expect(app.headers['content-length']).toBeUndefined();
      expect(app.headers.connection).toBeUndefined();
      expect(app.headers['transfer-encoding']).toBeUndefined();
      expect(app.headers['content-type']).toBe('application/json');
      expect(app.body).toEqual(body);
    });

    it.each([
      ['random bytes', randomBytes(4096), 'application/octet-stream'],
      ['a PNG', PNG_1X1, 'image/png'],
      ['a zip', ZIP_LIKE, 'application/zip'],
      ['UTF-8 JSON', Buffer.from('{"name":"Jürgen ✓ 🚀"}'), 'application/json'],
      ['latin1 text', Buffer.from('caf\xe9', 'latin1'), 'text/plain; charset=iso-8859-1'],
    ])('delivers %s to the app hash-identical', (_label, body, type) => {
      const app = decode(clientRequest({ method: 'POST', headers: [['content-type', type]], body }));
      expect(app.body).not.toBeNull();
      expect(sha256(app.body!)).toBe(sha256(body));
    });

    it.each([
      ['random bytes', randomBytes(4096), 'application/octet-stream'],
      ['a PNG', PNG_1X1, 'image/png'],
      ['a zip', ZIP_LIKE, 'application/zip'],
      ['gzip-encoded JSON', Buffer.from('1f8b0800000000000003abae0500b37ffa1402000000', 'hex'), 'application/json'],
      ['latin1 text', Buffer.from('caf\xe9', 'latin1'), 'text/plain; charset=iso-8859-1'],
      ['UTF-16 text', Buffer.from('\ufeffhi', 'utf16le'), 'text/plain; charset=utf-16'],
      ['bytes labelled text but not UTF-8', Buffer.from([0x68, 0xff, 0x69]), 'text/plain'],
    ])('returns %s to the client hash-identical, as base64', (label, body, type) => {
      const headers: Record<string, string> = { 'content-type': type };
      if (label.startsWith('gzip')) headers['content-encoding'] = 'gzip';
      const result = codec.toResult(appResponse({ headers, body }), model.event(clientRequest()), ENCODE);
      expect(result.isBase64Encoded).toBe(true);
      expect(sha256(model.receive(result).body)).toBe(sha256(body));
    });

    it('returns UTF-8 text as text, byte for byte (a BOM included)', () => {
      const body = Buffer.from('\ufeff<p>Grüße ✓ 🚀</p>');
      const result = codec.toResult(appResponse({ headers: { 'content-type': 'text/html; charset=utf-8' }, body }), model.event(clientRequest()), ENCODE);
      expect(result.isBase64Encoded).toBe(false);
      expect(model.receive(result).body).toEqual(body);
    });

    it('maps an empty request body to null and an empty response body to "" as text', () => {
      expect(decode(clientRequest({ method: 'POST' })).body).toBeNull();
      const result = codec.toResult(appResponse({ statusCode: 204 }), model.event(clientRequest()), ENCODE);
      expect(result.body).toBe('');
      expect(result.isBase64Encoded).toBe(false);
    });

    it.each([200, 201, 204, 302, 304, 400, 404, 418, 500, 503, 599])('returns status %i', (statusCode) => {
      const result = codec.toResult(appResponse({ statusCode }), model.event(clientRequest()), ENCODE);
      expect(model.receive(result).statusCode).toBe(statusCode);
      if (traits.statusDescription) expect(result.statusDescription).toMatch(new RegExp(`^${statusCode} \\S`));
    });

    it(`returns every Set-Cookie whole, commas included${traits.setCookies === 'last' ? ' (this source carries only the last)' : ''}`, () => {
      const cookies = ['id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure', 'theme=dark,blue; Path=/', 'lang=en'];
      const client = roundTrip(appResponse({ headers: { 'set-cookie': cookies } }));
      expect(client.setCookies).toEqual(expectedSetCookies(traits, cookies));
    });

    it('returns every value of a repeated response header', () => {
      const client = roundTrip(appResponse({ headers: { 'cache-control': ['no-cache', 'no-store'], 'x-one': 'only' } }));
      const values = (name: string) => client.headers.filter(([n]) => n === name).map(([, v]) => v);
      expect(values('cache-control')).toEqual(expectedResponseValues(traits, ['no-cache', 'no-store']));
      expect(values('x-one')).toEqual(['only']);
    });

    it('keeps hop-by-hop response headers out of the result', () => {
      const client = roundTrip(
        appResponse({ headers: { 'transfer-encoding': 'chunked', connection: 'keep-alive', 'content-type': 'text/plain' }, body: Buffer.from('ok') }),
      );
      expect(client.headers.map(([n]) => n)).toEqual(['content-type']);
    });
  });
}
