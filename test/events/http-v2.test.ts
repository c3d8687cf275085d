/** Payload 2.0 specifics beyond the contract (HTTP API and Function URL share the shape). */
import { describe, expect, it } from 'vitest';
import { functionUrlCodec, httpApiV2Codec, isTextBody } from '../../adapter/events/index.ts';
import { baseV2Event, FUNCTION_URL_DOMAIN } from './sources.ts';

const ENCODE = { isTextBody };
const DECODE = { includeStage: false };

describe('payload 2.0 codecs', () => {
  it('returns statusCode, one string per header, cookies[] and the body', () => {
    const result = functionUrlCodec.toResult(
      { statusCode: 201, headers: { 'content-type': 'application/json', 'x-multi': ['a', 'b'], 'set-cookie': ['c=1'] }, body: Buffer.from('{}') },
      baseV2Event(FUNCTION_URL_DOMAIN),
      ENCODE,
    );
    expect(result).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'x-multi': 'a, b' },
      cookies: ['c=1'],
      body: '{}',
      isBase64Encoded: false,
    });
  });

  it('leaves cookies out when there are none', () => {
    expect(httpApiV2Codec.toResult({ statusCode: 200, headers: {}, body: Buffer.alloc(0) }, baseV2Event(), ENCODE)).not.toHaveProperty('cookies');
  });

  it('reads the method from requestContext.http and the path from rawPath', () => {
    const event = {
      ...baseV2Event(),
      rawPath: '/a%2Fb',
      requestContext: { ...(baseV2Event().requestContext as object), http: { method: 'PUT', path: '/a/b', sourceIp: '1.2.3.4' } },
    };
    expect(functionUrlCodec.toRequest(event, DECODE)).toMatchObject({ method: 'PUT', target: '/a%2Fb' });
  });

  it('derives host and X-Forwarded-For from requestContext when headers lack them', () => {
    expect(httpApiV2Codec.toRequest(baseV2Event(), DECODE).headers).toEqual({
      host: 'lsw1ro4ipb.execute-api.eu-west-1.amazonaws.com',
      'x-forwarded-for': '15.248.3.126',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
    });
  });

  it('keeps a cookie header when the event has no cookies[]', () => {
    expect(httpApiV2Codec.toRequest({ ...baseV2Event(), headers: { cookie: 'a=1' } }, DECODE).headers.cookie).toBe('a=1');
  });

  it('rebuilds the query from queryStringParameters only when rawQueryString is missing', () => {
    const event = { ...baseV2Event(), rawQueryString: undefined, queryStringParameters: { q: 'a b' } };
    expect(httpApiV2Codec.toRequest(event, DECODE).target).toBe('/?q=a%20b');
    expect(httpApiV2Codec.toRequest({ ...event, rawQueryString: 'q=a+b' }, DECODE).target).toBe('/?q=a+b');
  });
});
