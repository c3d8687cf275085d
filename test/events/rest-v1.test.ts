/** Payload 1.0 specifics beyond the contract: result shape, stage, forwarded headers, HTTP API 1.0. */
import { describe, expect, it } from 'vitest';
import { httpApiV1Codec, isTextBody, restApiV1Codec } from '../../adapter/events/index.ts';
import { baseRestEvent } from './sources.ts';

const ENCODE = { isTextBody };
const DECODE = { includeStage: false };

describe('payload 1.0 codecs', () => {
  it('puts single values in headers and repeated ones (and Set-Cookie) in multiValueHeaders', () => {
    const result = restApiV1Codec.toResult(
      {
        statusCode: 201,
        headers: { 'content-type': 'application/json', vary: ['origin', 'accept'], 'set-cookie': ['only=1'] },
        body: Buffer.from('{"ok":true}'),
      },
      baseRestEvent(),
      ENCODE,
    );
    expect(result).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json' },
      multiValueHeaders: { vary: ['origin', 'accept'], 'set-cookie': ['only=1'] },
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
  });

  it('derives host and X-Forwarded-* from requestContext when the event has no headers', () => {
    expect(restApiV1Codec.toRequest(baseRestEvent(), DECODE).headers).toEqual({
      host: 'puhdx84jy9.execute-api.eu-west-1.amazonaws.com',
      'x-forwarded-for': '15.248.3.126',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
    });
  });

  it('keeps the X-Forwarded-* the front end sent', () => {
    const event = {
      ...baseRestEvent(),
      headers: { 'X-Forwarded-For': '1.1.1.1, 2.2.2.2', 'X-Forwarded-Proto': 'http', 'X-Forwarded-Port': '8080', Host: 'api.example.com' },
    };
    expect(restApiV1Codec.toRequest(event, DECODE).headers).toEqual({
      'x-forwarded-for': '1.1.1.1, 2.2.2.2',
      'x-forwarded-proto': 'http',
      'x-forwarded-port': '8080',
      host: 'api.example.com',
    });
  });

  it('falls back to queryStringParameters when multiValueQueryStringParameters is missing', () => {
    expect(restApiV1Codec.toRequest({ ...baseRestEvent(), queryStringParameters: { q: 'a b' } }, DECODE).target).toBe('/?q=a%20b');
  });

  it('joins several Cookie header lines into one', () => {
    const event = { ...baseRestEvent(), multiValueHeaders: { Cookie: ['a=1', 'b=2'] } };
    expect(restApiV1Codec.toRequest(event, DECODE).headers.cookie).toBe('a=1; b=2');
  });

  it('HTTP API payload 1.0 ignores includeStage: its path already holds a named stage', () => {
    const event = { ...baseRestEvent(), version: '1.0', path: '/dev/users', requestContext: { ...(baseRestEvent().requestContext as object), stage: 'dev' } };
    expect(httpApiV1Codec.toRequest(event, { includeStage: true }).target).toBe('/dev/users');
    expect(restApiV1Codec.toRequest({ ...event, path: '/users' }, { includeStage: true }).target).toBe('/dev/users');
  });

  it('uses requestContext.httpMethod when httpMethod is missing', () => {
    const event = { ...baseRestEvent(), httpMethod: undefined, requestContext: { ...(baseRestEvent().requestContext as object), httpMethod: 'DELETE' } };
    expect(restApiV1Codec.toRequest(event, DECODE).method).toBe('DELETE');
  });
});
