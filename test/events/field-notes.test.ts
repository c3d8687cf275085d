/**
 * Regressions named after bugs other adapters shipped (docs/field-notes.md). Each
 * test fails if Ferry makes the same mistake.
 */
import { describe, expect, it } from 'vitest';
import {
  albCodec,
  functionUrlCodec,
  httpApiV2Codec,
  isTextBody,
  latticeV1Codec,
  latticeV2Codec,
  restApiV1Codec,
  type AppResponse,
} from '../../adapter/events/index.ts';
import { baseAlbEvent, baseLatticeV2Event, baseRestEvent, baseV2Event, FUNCTION_URL_DOMAIN } from './sources.ts';

const ENCODE = { isTextBody };
const DECODE = { includeStage: false };
const EXPIRES_COOKIE = 'id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly';

const response = (overrides: Partial<AppResponse>): AppResponse => ({ statusCode: 200, headers: {}, body: Buffer.alloc(0), ...overrides });

describe('field notes: cookies', () => {
  it('keeps every Set-Cookie in multiValueHeaders for REST (only-first-cookie bug)', () => {
    const result = restApiV1Codec.toResult(response({ headers: { 'set-cookie': ['a=1', 'b=2', 'c=3'] } }), baseRestEvent(), ENCODE);
    expect(result.multiValueHeaders).toEqual({ 'set-cookie': ['a=1', 'b=2', 'c=3'] });
    expect(result.headers).toEqual({});
  });

  it('keeps every Set-Cookie for ALB in multi-value mode (only-first-cookie bug)', () => {
    const event = { ...baseAlbEvent(), multiValueHeaders: { host: ['x'] } };
    const result = albCodec.toResult(response({ headers: { 'set-cookie': ['a=1', 'b=2'] } }), event, ENCODE);
    expect(result.multiValueHeaders).toEqual({ 'set-cookie': ['a=1', 'b=2'] });
  });

  it('keeps Expires=Wed, 21 Oct… whole in cookies[]', () => {
    for (const codec of [httpApiV2Codec, functionUrlCodec]) {
      const result = codec.toResult(response({ headers: { 'set-cookie': [EXPIRES_COOKIE, 'b=2'] } }), baseV2Event(), ENCODE);
      expect(result.cookies).toEqual([EXPIRES_COOKIE, 'b=2']);
      expect(result.headers).toEqual({});
    }
  });

  it('keeps Expires=Wed, 21 Oct… whole in multiValueHeaders (cookies split on "," bug)', () => {
    const result = restApiV1Codec.toResult(response({ headers: { 'set-cookie': [EXPIRES_COOKIE] } }), baseRestEvent(), ENCODE);
    expect(result.multiValueHeaders).toEqual({ 'set-cookie': [EXPIRES_COOKIE] });
  });

  it('never joins several cookies into one Set-Cookie value', () => {
    const app = response({ headers: { 'set-cookie': ['a=1', 'b=2'] } });
    const v2 = httpApiV2Codec.toResult(app, baseV2Event(), ENCODE);
    const rest = restApiV1Codec.toResult(app, baseRestEvent(), ENCODE);
    const alb = albCodec.toResult(app, baseAlbEvent(), ENCODE) as { headers: Record<string, string> };
    const lattice = latticeV2Codec.toResult(app, baseLatticeV2Event(), ENCODE) as { headers: Record<string, string> };
    for (const value of [
      ...(v2.cookies as string[]),
      ...(rest.multiValueHeaders as Record<string, string[]>)['set-cookie'],
      alb.headers['set-cookie'],
      lattice.headers['set-cookie'],
    ]) {
      expect(value).not.toMatch(/a=1.*b=2|b=2.*a=1/);
    }
  });

  it('keeps the LAST Set-Cookie in ALB single-value mode (the mode can carry one; ALB also keeps the last request value)', () => {
    const result = albCodec.toResult(response({ headers: { 'set-cookie': ['a=1', 'b=2'] } }), baseAlbEvent(), ENCODE);
    expect(result.headers).toEqual({ 'set-cookie': 'b=2' });
    expect(result.multiValueHeaders).toBeUndefined();
  });

  it('joins the cookies[] of a 2.0 event into ONE Cookie header, without the duplicate from headers.cookie', () => {
    const event = { ...baseV2Event(FUNCTION_URL_DOMAIN), cookies: ['a=1', 'b=x,y'], headers: { cookie: 'a=1; b=x,y' } };
    expect(functionUrlCodec.toRequest(event, DECODE).headers.cookie).toBe('a=1; b=x,y');
  });
});

describe('field notes: headers', () => {
  it('keeps every value of a repeated header in 2.0 responses, comma-joined (Rust adapter kept only the first)', () => {
    const result = httpApiV2Codec.toResult(response({ headers: { vary: ['origin', 'accept-encoding'], 'x-a': 'b' } }), baseV2Event(), ENCODE);
    expect(result.headers).toEqual({ vary: 'origin, accept-encoding', 'x-a': 'b' });
  });

  it('keeps ALB header value order (an adapter reversed it)', () => {
    const event = { ...baseAlbEvent(), multiValueHeaders: { 'x-hop': ['first', 'second', 'third'], 'X-Hop': ['fourth'] } };
    expect(albCodec.toRequest(event, DECODE).headers['x-hop']).toEqual(['first', 'second', 'third', 'fourth']);
    const result = albCodec.toResult(response({ headers: { 'x-hop': ['1', '2', '3'] } }), event, ENCODE);
    expect(result.multiValueHeaders).toEqual({ 'x-hop': ['1', '2', '3'] });
  });

  it('does not crash on an ALB multi-value URI with unicode, spaces and a bare "%" (the Rust adapter did)', () => {
    const event = { ...baseAlbEvent(), path: '/caf\u00e9 menu/100%', multiValueHeaders: { host: ['x'] }, multiValueQueryStringParameters: { q: ['a b'] } };
    expect(albCodec.toRequest(event, DECODE).target).toBe('/caf%C3%A9%20menu/100%25?q=a%20b');
  });
});

describe('field notes: query strings', () => {
  it('does not decode ALB query values twice', () => {
    // The client sent ?q=%2541 (the literal text "%41"); ALB passes it on still encoded.
    const event = { ...baseAlbEvent(), queryStringParameters: { q: '%2541', plus: 'a%2Bb', space: 'a+b' } };
    expect(albCodec.toRequest(event, DECODE).target).toBe('/?q=%2541&plus=a%2Bb&space=a+b');
  });

  it('does not encode ALB query values again (%20 stays %20, not %2520)', () => {
    const event = { ...baseAlbEvent(), multiValueHeaders: {}, multiValueQueryStringParameters: { 'a%20b': ['c%20d', 'e%26f'] } };
    expect(albCodec.toRequest(event, DECODE).target).toBe('/?a%20b=c%20d&a%20b=e%26f');
  });

  it('re-encodes REST query values exactly once (they arrive decoded)', () => {
    const event = { ...baseRestEvent(), multiValueQueryStringParameters: { q: ['a b', '100%', 'x&y=z', 'c+d'] }, queryStringParameters: { q: 'c+d' } };
    expect(restApiV1Codec.toRequest(event, DECODE).target).toBe('/?q=a%20b&q=100%25&q=x%26y%3Dz&q=c%2Bd');
  });

  it('keeps every repeated REST query key (queryStringParameters holds only the last)', () => {
    const event = { ...baseRestEvent(), multiValueQueryStringParameters: { id: ['1', '2'], x: ['y'] }, queryStringParameters: { id: '2', x: 'y' } };
    expect(restApiV1Codec.toRequest(event, DECODE).target).toBe('/?id=1&id=2&x=y');
  });

  it('does not double-encode a 2.0 rawQueryString', () => {
    const event = { ...baseV2Event(), rawQueryString: 'q=a%20b&r=%C3%BC&s=a+b&t=%25' };
    expect(httpApiV2Codec.toRequest(event, DECODE).target).toBe('/?q=a%20b&r=%C3%BC&s=a+b&t=%25');
  });

  it('does not append Lattice v2 queryStringParameters to a path that already has the query', () => {
    const event = { ...baseLatticeV2Event(), path: '/items?id=1&id=2', queryStringParameters: { id: ['1', '2'] } };
    expect(latticeV2Codec.toRequest(event, DECODE).target).toBe('/items?id=1&id=2');
  });
});

describe('field notes: paths', () => {
  it('does not leak the stage name into the path', () => {
    const event = { ...baseRestEvent(), path: '/users/42' };
    expect(restApiV1Codec.toRequest(event, DECODE).target).toBe('/users/42');
  });

  it('puts the stage in the path only when asked (includeStage), never $default', () => {
    const event = { ...baseRestEvent(), path: '/users/42' };
    expect(restApiV1Codec.toRequest(event, { includeStage: true }).target).toBe('/prod/users/42');
    const onDefault = { ...event, requestContext: { ...(baseRestEvent().requestContext as object), stage: '$default' } };
    expect(restApiV1Codec.toRequest(onDefault, { includeStage: true }).target).toBe('/users/42');
  });

  it('forwards a custom-domain base path as the event has it (no 404 from stripping or adding)', () => {
    // With a base path mapping the REST `path` includes the mapping (`/v1/users`); the app sees it.
    const event = {
      ...baseRestEvent(),
      path: '/v1/users',
      requestContext: { ...(baseRestEvent().requestContext as object), domainName: 'api.example.com', path: '/v1/users' },
    };
    const request = restApiV1Codec.toRequest(event, DECODE);
    expect(request.target).toBe('/v1/users');
    expect(request.headers.host).toBe('api.example.com');
  });

  it('keeps %2F encoded in a REST path (a decoded slash would route elsewhere)', () => {
    expect(restApiV1Codec.toRequest({ ...baseRestEvent(), path: '/files/a%2Fb' }, DECODE).target).toBe('/files/a%2Fb');
  });

  it('percent-encodes raw unicode in a path as UTF-8 and leaves existing %xx alone', () => {
    const event = { ...baseV2Event(), rawPath: '/ü/%C3%BC/日本/😀' };
    expect(httpApiV2Codec.toRequest(event, DECODE).target).toBe('/%C3%BC/%C3%BC/%E6%97%A5%E6%9C%AC/%F0%9F%98%80');
  });

  it('escapes a decoded "?" and "#" in an HTTP API rawPath so they cannot cut the path', () => {
    const event = { ...baseV2Event(), rawPath: '/users/me?admin=true#x', rawQueryString: 'real=1' };
    expect(httpApiV2Codec.toRequest(event, DECODE).target).toBe('/users/me%3Fadmin=true%23x?real=1');
  });
});

describe('field notes: bodies', () => {
  it('base64 request bodies reach the app as the exact bytes, not a UTF-8 string', () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x80]);
    for (const [codec, event] of [
      [restApiV1Codec, { ...baseRestEvent(), body: bytes.toString('base64'), isBase64Encoded: true }],
      [httpApiV2Codec, { ...baseV2Event(), body: bytes.toString('base64'), isBase64Encoded: true }],
      [albCodec, { ...baseAlbEvent(), body: bytes.toString('base64'), isBase64Encoded: true }],
      [latticeV2Codec, { ...baseLatticeV2Event(), body: bytes.toString('base64'), isBase64Encoded: true }],
      [latticeV1Codec, { raw_path: '/', method: 'POST', body: bytes.toString('base64'), is_base64_encoded: true }],
    ] as const) {
      expect(codec.toRequest(event, DECODE).body).toEqual(bytes);
    }
  });

  it('does not inflate or wrap a binary response (75 KB sent, 110 KB received)', () => {
    const body = Buffer.alloc(75 * 1024, 0xab);
    const result = httpApiV2Codec.toResult(response({ headers: { 'content-type': 'application/zip' }, body }), baseV2Event(), ENCODE);
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body as string, 'base64').equals(body)).toBe(true);
  });

  it('base64-encodes a gzip body the app compressed itself (Next.js), and keeps its Content-Encoding', () => {
    const body = Buffer.from('1f8b0800000000000003cb48cdc9c9070086a6103605000000', 'hex');
    const result = restApiV1Codec.toResult(response({ headers: { 'content-type': 'text/html', 'content-encoding': 'gzip' }, body }), baseRestEvent(), ENCODE);
    expect(result).toMatchObject({ isBase64Encoded: true, headers: { 'content-encoding': 'gzip' } });
    expect(Buffer.from(result.body as string, 'base64')).toEqual(body);
  });

  it('treats application/jwk-set+json as text', () => {
    const body = Buffer.from('{"keys":[]}');
    const result = functionUrlCodec.toResult(
      response({ headers: { 'content-type': 'application/jwk-set+json' }, body }),
      baseV2Event(FUNCTION_URL_DOMAIN),
      ENCODE,
    );
    expect(result).toMatchObject({ body: '{"keys":[]}', isBase64Encoded: false });
  });
});
