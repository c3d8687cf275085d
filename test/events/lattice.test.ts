/** VPC Lattice specifics beyond the contract: both event versions, value shapes, the result. */
import { describe, expect, it } from 'vitest';
import { isTextBody, latticeV1Codec, latticeV2Codec } from '../../adapter/events/index.ts';
import { baseLatticeV1Event, baseLatticeV2Event } from './sources.ts';

const ENCODE = { isTextBody };
const DECODE = { includeStage: false };

describe('VPC Lattice codecs', () => {
  it('accepts header values as strings or arrays', () => {
    const event = { ...baseLatticeV2Event(), headers: { 'x-list': ['a', 'b'], 'x-one': 'c', 'x-one-list': ['d'] } };
    expect(latticeV2Codec.toRequest(event, DECODE).headers).toEqual({ 'x-list': ['a', 'b'], 'x-one': 'c', 'x-one-list': 'd' });
  });

  it('rebuilds the v2 query from queryStringParameters (decoded values, strings or arrays) when the path has none', () => {
    const event = { ...baseLatticeV2Event(), path: '/p', queryStringParameters: { a: ['1', '2'], b: 'x y' } };
    expect(latticeV2Codec.toRequest(event, DECODE).target).toBe('/p?a=1&a=2&b=x%20y');
  });

  it('reads v1 snake_case fields, including a raw_path that carries the query', () => {
    const event = { ...baseLatticeV1Event(), method: 'POST', raw_path: '/p?x=%20', query_string_parameters: { x: ' ' }, body: 'aGk=', is_base64_encoded: true };
    expect(latticeV1Codec.toRequest(event, DECODE)).toEqual({ method: 'POST', target: '/p?x=%20', headers: {}, body: Buffer.from('hi') });
  });

  it.each([
    ['v1', latticeV1Codec, baseLatticeV1Event()],
    ['v2', latticeV2Codec, baseLatticeV2Event()],
  ] as const)('%s answers with statusDescription and single-value headers, keeping the last Set-Cookie', (_v, codec, event) => {
    const result = codec.toResult(
      { statusCode: 503, headers: { 'retry-after': '5', 'set-cookie': ['a=1', 'b=2'], via: ['x', 'y'] }, body: Buffer.from('busy') },
      event,
      ENCODE,
    );
    expect(result).toEqual({
      statusCode: 503,
      statusDescription: '503 Service Unavailable',
      headers: { 'retry-after': '5', via: 'x, y', 'set-cookie': 'b=2' },
      body: 'busy',
      isBase64Encoded: false,
    });
  });
});
