/** Unit tests for the checks every request passes before it is dispatched to the app. */
import { describe, expect, it } from 'vitest';
import type { AppRequest } from '../../adapter/events/index.ts';
import { requestProblem } from '../../adapter/proxy/validate-request.ts';

const request = (overrides: Partial<AppRequest>): AppRequest => ({ method: 'GET', target: '/', headers: { host: 'example.com' }, body: null, ...overrides });

describe('requestProblem', () => {
  it('accepts an ordinary request, tabs and latin1 in values, and headers named after Object.prototype members', () => {
    const headers = Object.assign(Object.create(null), { 'x-a': 'caf\u00e9\tb', constructor: 'c', __proto__: 'p' });
    expect(requestProblem(request({ method: 'PATCH', target: '/a%20b?x=1&y', headers }))).toBeUndefined();
  });

  it.each([
    [{ method: 'GE T' }, /method "GE T"/],
    [{ method: '' }, /method ""/],
    [{ target: 'http://169.254.169.254/latest' }, /target "http:\/\/169\.254\.169\.254\/latest" is not a path/],
    [{ target: '*' }, /target "\*"/],
    [{ target: '/a b' }, /target "\/a b"/],
    [{ headers: { 'x a': '1' } }, /header name "x a"/],
    [{ headers: { 'x-a': 'a\r\nb' } }, /x-a contains CR \(U\+000D\)/],
    [{ headers: { 'x-a': 'a\u0000' } }, /x-a contains NUL/],
    [{ headers: { 'x-a': '\u0007' } }, /x-a contains the control character U\+0007/],
    [{ headers: { 'x-a': '\u20ac' } }, /outside latin1/],
    [{ headers: { 'x-a': '\ud83d\ude00' } }, /U\+1F600, outside latin1/],
    [{ headers: { 'transfer-encoding': 'chunked' } }, /frames itself/],
    [{ headers: { host: ['a', 'b'] } }, /more than one Host/],
  ] as Array<[Partial<AppRequest>, RegExp]>)('refuses %o', (overrides, reason) => {
    expect(requestProblem(request(overrides))).toMatch(reason);
  });
});
