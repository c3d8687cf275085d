/** Unit tests: strict base64 request bodies, origin-form targets, prototype-named headers. */
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../adapter/events/shared/body.ts';
import { appendHeader, emptyHeaderMap, requestHeaders } from '../../adapter/events/shared/headers.ts';
import { escapePath, requestTarget } from '../../adapter/events/shared/target.ts';

describe('base64 request bodies', () => {
  it.each(['aGVsbG8=', 'aGVsbG8', 'aGk-_w==', ''])('decodes %j', (text) => {
    expect(() => decodeBody(text, true)).not.toThrow();
  });
  it.each([
    ['aGVs*bG8=', /"\*" at offset 4/],
    ['aGVsbG8=\n', /"\\n" at offset 8/],
    ['aGV=sbG8', /length or padding/],
    ['a', /length or padding/],
  ])('refuses %j', (text, reason) => {
    expect(() => decodeBody(text, true)).toThrow(reason);
  });
});

describe('request targets', () => {
  it('are always origin-form', () => {
    expect(escapePath('http://169.254.169.254/latest')).toBe('/http://169.254.169.254/latest');
    expect(escapePath('a/b')).toBe('/a/b');
    expect(escapePath('')).toBe('/');
    expect(requestTarget('*', 'x=1')).toBe('/*?x=1');
  });
});

describe('header names from Object.prototype', () => {
  it('are plain headers', () => {
    const headers = requestHeaders(undefined, JSON.parse('{"constructor":"c","__proto__":"p","toString":"t"}'));
    expect(Object.getPrototypeOf(headers)).toBeNull();
    expect({ ...headers }).toEqual(JSON.parse('{"constructor":"c","__proto__":"p","tostring":"t"}'));
    const map = emptyHeaderMap();
    appendHeader(map, 'constructor', 'a');
    appendHeader(map, 'constructor', 'b');
    expect(map.constructor).toEqual(['a', 'b']);
  });
});
