/** The shared helpers as tables: text-vs-base64, request targets, query strings, headers, status lines. */
import { describe, expect, it } from 'vitest';
import { isTextBody } from '../../adapter/events/index.ts';
import { decodeBody } from '../../adapter/events/shared/body.ts';
import { commaJoinedHeaders, requestHeaders, responseHeaderList } from '../../adapter/events/shared/headers.ts';
import { encodeQueryComponent, queryFromDecoded, queryFromEncoded } from '../../adapter/events/shared/query.ts';
import { statusDescription } from '../../adapter/events/shared/status.ts';
import { escapePath, escapeQuery, targetFromPathWithQuery } from '../../adapter/events/shared/target.ts';

describe('isTextBody (the default heuristic)', () => {
  it.each([
    [undefined, undefined, true],
    ['', undefined, true],
    ['text/plain', undefined, true],
    ['text/html; charset=utf-8', undefined, true],
    ['text/html; charset="UTF-8"', undefined, true],
    ['text/csv; charset=us-ascii', undefined, true],
    ['TEXT/CSS', undefined, true],
    ['text/event-stream', undefined, true],
    ['application/json', undefined, true],
    ['application/json; charset=utf-8', undefined, true],
    ['application/javascript', undefined, true],
    ['application/xml', undefined, true],
    ['application/yaml', undefined, true],
    ['application/jwk-set+json', undefined, true],
    ['application/problem+json', undefined, true],
    ['application/ld+json', undefined, true],
    ['application/vnd.api+json', undefined, true],
    ['application/atom+xml', undefined, true],
    ['image/svg+xml', undefined, true],
    ['application/openapi+yaml', undefined, true],
    ['application/json', 'identity', true],
    ['application/json', 'gzip', false],
    ['text/html', 'br', false],
    ['text/html', 'gzip, identity', false],
    [undefined, 'deflate', false],
    ['text/html; charset=iso-8859-1', undefined, false],
    ['text/plain; charset=latin1', undefined, false],
    ['text/plain; charset=utf-16', undefined, false],
    ['application/json; charset=utf-16le', undefined, false],
    ['text/plain; charset=shift_jis', undefined, false],
    ['application/octet-stream', undefined, false],
    ['application/x-www-form-urlencoded', undefined, false],
    ['multipart/form-data; boundary=x', undefined, false],
    ['application/pdf', undefined, false],
    ['application/zip', undefined, false],
    ['image/png', undefined, false],
    ['font/woff2', undefined, false],
    ['application/jsonx', undefined, false],
  ])('content-type %j, content-encoding %j → text: %s', (type, encoding, expected) => {
    expect(isTextBody(type, encoding)).toBe(expected);
  });
});

describe('request targets', () => {
  it.each([
    ['/', '/'],
    ['', '/'],
    ['/a%20b/%2F/%c3%bc', '/a%20b/%2F/%c3%bc'],
    ["/a+b/!$&'()*,;=:@~", "/a+b/!$&'()*,;=:@~"],
    ['/a b', '/a%20b'],
    ['/ü', '/%C3%BC'],
    ['/😀', '/%F0%9F%98%80'],
    ['/\ud800x', '/%EF%BF%BDx'],
    ['/a?b', '/a%3Fb'],
    ['/a#b', '/a%23b'],
    ['/100%', '/100%25'],
    ['/%zz%4', '/%25zz%254'],
    ['/tab\there', '/tab%09here'],
    ['/del\x7f', '/del%7F'],
  ])('escapePath(%j) = %j', (path, expected) => {
    expect(escapePath(path)).toBe(expected);
  });

  it.each([
    ['a=1&a=2', 'a=1&a=2'],
    ['q=a+b&r=%20', 'q=a+b&r=%20'],
    ['q=100%', 'q=100%'],
    ['q=?x', 'q=?x'],
    ['q=a b', 'q=a%20b'],
    ['q=ü', 'q=%C3%BC'],
    ['q=a#b', 'q=a%23b'],
  ])('escapeQuery(%j) = %j', (query, expected) => {
    expect(escapeQuery(query)).toBe(expected);
  });

  it('splits a path that carries its query at the first "?"', () => {
    expect(targetFromPathWithQuery('/a b?x=1?2')).toBe('/a%20b?x=1?2');
    expect(targetFromPathWithQuery('/plain')).toBeUndefined();
  });
});

describe('query strings', () => {
  it('encodes decoded components like encodeURIComponent, without throwing on lone surrogates', () => {
    const sample = "a b&c=d+e/f?g#h%i~j*k'l(m)n!ü😀";
    expect(encodeQueryComponent(sample)).toBe(encodeURIComponent(sample));
    expect(encodeQueryComponent('\ud800')).toBe('%EF%BF%BD');
  });

  it('builds from decoded maps (strings or arrays), skipping null values', () => {
    expect(queryFromDecoded({ a: ['1', '2'], b: 'x y', c: null, d: [] })).toBe('a=1&a=2&b=x%20y');
    expect(queryFromDecoded(null)).toBe('');
  });

  it('builds from encoded maps verbatim', () => {
    expect(queryFromEncoded({ 'a%20b': ['%25', 'x+y'], c: '' })).toBe('a%20b=%25&a%20b=x+y&c=');
  });
});

describe('headers', () => {
  it('prefers multiValueHeaders, adds names found only in headers, merges case variants in order', () => {
    const headers = requestHeaders({ Accept: ['a'], accept: ['b'], 'X-Multi': ['1', '2'] }, { 'X-Multi': '2', 'X-Only-Single': 'yes', Accept: 'b' });
    expect(headers).toEqual({ accept: ['a', 'b'], 'x-multi': ['1', '2'], 'x-only-single': 'yes' });
  });

  it('accepts string, array and number values, ignoring null', () => {
    expect(requestHeaders(undefined, { a: 'x', b: ['y', 'z'], c: 5, d: null })).toEqual({ a: 'x', b: ['y', 'z'], c: '5' });
  });

  it.each(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer', 'proxy-connection', 'http2-settings'])(
    'toRequest removes %s',
    (name) => {
      expect(requestHeaders(undefined, { [name]: 'x', host: 'h' })).toEqual({ host: 'h' });
    },
  );

  it('lists response headers lower-cased and merged, without hop-by-hop fields', () => {
    expect(responseHeaderList({ 'Content-Type': 'text/plain', 'x-a': ['1'], 'X-A': '2', 'Transfer-Encoding': 'chunked', empty: [] })).toEqual([
      ['content-type', ['text/plain']],
      ['x-a', ['1', '2']],
    ]);
  });

  it('comma-joins repeats but hands Set-Cookie back whole (for payload 2.0 and the streaming prelude)', () => {
    expect(commaJoinedHeaders({ 'set-cookie': ['a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT', 'b=2'], link: ['<a>', '<b>'] })).toEqual({
      headers: { link: '<a>, <b>' },
      cookies: ['a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT', 'b=2'],
    });
  });
});

describe('bodies', () => {
  it.each([
    [null, false, null],
    [undefined, false, null],
    ['', false, null],
    ['', true, null],
    ['aGk=', true, Buffer.from('hi')],
    ['aGk=', 'true', Buffer.from('hi')],
    ['hi ✓', false, Buffer.from('hi ✓')],
    [{ a: 1 }, false, Buffer.from('{"a":1}')],
  ])('decodeBody(%j, %j)', (body, isBase64, expected) => {
    expect(decodeBody(body, isBase64)).toEqual(expected);
  });
});

describe('status descriptions', () => {
  it.each([
    [200, '200 OK'],
    [204, '204 No Content'],
    [404, '404 Not Found'],
    [418, "418 I'm a Teapot"],
    [502, '502 Bad Gateway'],
    [599, '599 Unknown'],
  ])('%i → %s', (code, description) => {
    expect(statusDescription(code)).toBe(description);
  });
});
