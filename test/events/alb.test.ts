/** ALB specifics beyond the contract: the two target-group modes in both directions. */
import { describe, expect, it } from 'vitest';
import { albCodec, isTextBody, type AppResponse } from '../../adapter/events/index.ts';
import { baseAlbEvent } from './sources.ts';

const ENCODE = { isTextBody };
const DECODE = { includeStage: false };
const app = (overrides: Partial<AppResponse> = {}): AppResponse => ({ statusCode: 200, headers: {}, body: Buffer.alloc(0), ...overrides });

describe('ALB codec', () => {
  it('answers single-value requests with headers: repeats comma-joined, one Set-Cookie', () => {
    const result = albCodec.toResult(
      app({ headers: { 'cache-control': ['no-cache', 'no-store'], 'set-cookie': ['a=1', 'b=2'], 'content-type': 'text/plain' }, body: Buffer.from('hi') }),
      baseAlbEvent(),
      ENCODE,
    );
    expect(result).toEqual({
      statusCode: 200,
      statusDescription: '200 OK',
      headers: { 'cache-control': 'no-cache, no-store', 'set-cookie': 'b=2', 'content-type': 'text/plain' },
      body: 'hi',
      isBase64Encoded: false,
    });
  });

  it('answers multi-value requests with multiValueHeaders only', () => {
    const event = { ...baseAlbEvent(), multiValueHeaders: { host: ['x'] }, multiValueQueryStringParameters: {} };
    const result = albCodec.toResult(app({ statusCode: 302, headers: { location: '/next', 'set-cookie': ['a=1'] } }), event, ENCODE);
    expect(result).toEqual({
      statusCode: 302,
      statusDescription: '302 Found',
      multiValueHeaders: { location: ['/next'], 'set-cookie': ['a=1'] },
      body: '',
      isBase64Encoded: false,
    });
  });

  it('treats an event with both headers and multiValueHeaders as multi-value mode, both ways', () => {
    const event = { ...baseAlbEvent(), headers: { 'x-a': 'last' }, multiValueHeaders: { 'x-a': ['first', 'last'] } };
    expect(albCodec.toRequest(event, DECODE).headers['x-a']).toEqual(['first', 'last']);
    expect(albCodec.toResult(app(), event, ENCODE)).toHaveProperty('multiValueHeaders');
  });

  it('reads queryStringParameters in single-value mode', () => {
    expect(albCodec.toRequest({ ...baseAlbEvent(), path: '/s', queryStringParameters: { q: 'caf%C3%A9' } }, DECODE).target).toBe('/s?q=caf%C3%A9');
  });

  it('maps the "" body ALB sends for "no body" to null, for GET and POST', () => {
    expect(albCodec.toRequest({ ...baseAlbEvent(), body: '' }, DECODE).body).toBeNull();
    expect(albCodec.toRequest({ ...baseAlbEvent(), httpMethod: 'POST', body: '', headers: { 'content-length': '0' } }, DECODE)).toMatchObject({
      body: null,
      headers: {},
    });
  });

  it('adds no X-Forwarded-* of its own (ALB sends them)', () => {
    expect(albCodec.toRequest({ ...baseAlbEvent(), headers: { host: 'h' } }, DECODE).headers).toEqual({ host: 'h' });
  });
});
