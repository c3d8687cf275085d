/** Detection: the ordered table and one named regression per ambiguity it resolves. */
import { describe, expect, it } from 'vitest';
import { detectEvent, type EventSource } from '../../adapter/events/index.ts';
import { DETECTION_RULES } from '../../adapter/events/detect.ts';
import { baseAlbEvent, baseLatticeV1Event, baseLatticeV2Event, baseRestEvent, baseV2Event, FUNCTION_URL_DOMAIN } from './sources.ts';

function sourceOf(event: unknown): EventSource | 'pass-through' {
  const detected = detectEvent(event);
  return detected.kind === 'http' ? detected.codec.source : 'pass-through';
}

describe('detectEvent', () => {
  it('documents every rule with a reason, in the order of docs/lambda-protocol.md §5', () => {
    expect(DETECTION_RULES.map((rule) => rule.name)).toEqual(['alb', 'lattice-v2', 'lattice-v1', 'websocket', 'payload-2.0', 'payload-1.0']);
    for (const rule of DETECTION_RULES) expect(rule.reason.length).toBeGreaterThan(40);
  });

  it.each([
    ['ALB', baseAlbEvent(), 'alb'],
    ['VPC Lattice v2', baseLatticeV2Event(), 'lattice-v2'],
    ['VPC Lattice v1', baseLatticeV1Event(), 'lattice-v1'],
    ['HTTP API payload 2.0', baseV2Event(), 'http-api-v2'],
    ['Function URL', baseV2Event(FUNCTION_URL_DOMAIN), 'function-url'],
    ['REST API', baseRestEvent(), 'rest-api-v1'],
    ['HTTP API payload 1.0', { ...baseRestEvent(), version: '1.0' }, 'http-api-v1'],
  ])('recognises %s', (_name, event, source) => {
    expect(sourceOf(event)).toBe(source);
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['a number', 42],
    ['a boolean', true],
    ['an array', [{ httpMethod: 'GET', requestContext: {} }]],
    ['an empty object', {}],
    ['an SQS batch', { Records: [{ eventSource: 'aws:sqs', body: 'x' }] }],
    ['a schedule', { version: '0', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }],
    ['a custom payload with a method field', { method: 'POST', path: '/x' }],
  ])('passes %s through', (_name, event) => {
    expect(detectEvent(event)).toEqual({ kind: 'pass-through' });
  });

  describe('ambiguities', () => {
    it('reads an ALB event as ALB although it has httpMethod and requestContext like payload 1.0', () => {
      expect(sourceOf({ ...baseAlbEvent(), headers: { host: 'x' } })).toBe('alb');
    });

    it('reads ALB with both headers and multiValueHeaders as ALB', () => {
      expect(sourceOf({ ...baseAlbEvent(), headers: { a: 'b' }, multiValueHeaders: { a: ['b'] } })).toBe('alb');
    });

    it('reads a Lattice v2 event as Lattice although it says version "2.0"', () => {
      expect(sourceOf(baseLatticeV2Event())).toBe('lattice-v2');
    });

    it('reads a Lattice v2 event that has only serviceArn as Lattice', () => {
      const event = baseLatticeV2Event();
      delete (event.requestContext as Record<string, unknown>).serviceNetworkArn;
      expect(sourceOf(event)).toBe('lattice-v2');
    });

    it('reads a payload 1.0 event that carries version "1.0" as an HTTP API (no streaming)', () => {
      const detected = detectEvent({ ...baseRestEvent(), version: '1.0' });
      expect(detected.kind === 'http' && detected.codec.source).toBe('http-api-v1');
      expect(detected.kind === 'http' && detected.codec.canStream).toBe(false);
    });

    it('does not read a 1.0 event with a rawPath as payload 2.0 (it has no requestContext.http)', () => {
      expect(sourceOf({ ...baseRestEvent(), rawPath: '/v1/users', version: '1.0' })).toBe('http-api-v1');
    });

    it('does not read version "2.0" without requestContext.http as payload 2.0', () => {
      const event = baseV2Event();
      delete (event.requestContext as Record<string, unknown>).http;
      expect(sourceOf(event)).toBe('pass-through');
    });

    it('reads a 2.0 event behind a custom domain as an HTTP API, not a Function URL', () => {
      expect(sourceOf(baseV2Event('api.example.com'))).toBe('http-api-v2');
    });

    it('does not take a domain that merely contains "lambda-url" for a Function URL', () => {
      expect(sourceOf(baseV2Event('lambda-url.example.com'))).toBe('http-api-v2');
      expect(sourceOf(baseV2Event('x.lambda-url.us-east-1.on.aws.evil.com'))).toBe('http-api-v2');
    });

    it('reads a Function URL in any region, with an upper-case domain', () => {
      expect(sourceOf(baseV2Event('abc.lambda-url.ap-southeast-2.on.aws'))).toBe('function-url');
      expect(sourceOf(baseV2Event('ABC.LAMBDA-URL.EU-WEST-1.ON.AWS'))).toBe('function-url');
    });

    it('passes a WebSocket event through although it has httpMethod and requestContext', () => {
      const event = {
        ...baseRestEvent(),
        requestContext: { ...(baseRestEvent().requestContext as object), connectionId: 'TWegAcC4EowCHnA=', eventType: 'CONNECT' },
      };
      expect(sourceOf(event)).toBe('pass-through');
    });

    it('passes a WebSocket MESSAGE event (eventType, no httpMethod) through', () => {
      expect(sourceOf({ requestContext: { eventType: 'MESSAGE', routeKey: '$default', connectionId: 'abc=' }, body: 'hi' })).toBe('pass-through');
    });

    it('does not take an event with requestContext and raw_path for Lattice v1', () => {
      expect(sourceOf({ raw_path: '/', method: 'GET', requestContext: {} })).toBe('pass-through');
    });
  });

  it('returns the same codec object every time (codecs are stateless singletons)', () => {
    const a = detectEvent(baseAlbEvent());
    const b = detectEvent(baseAlbEvent());
    expect(a.kind === 'http' && b.kind === 'http' && a.codec === b.codec).toBe(true);
  });

  it.each([
    ['alb', false],
    ['lattice-v2', false],
    ['lattice-v1', false],
    ['http-api-v2', false],
    ['http-api-v1', false],
    ['function-url', true],
    ['rest-api-v1', true],
  ])('%s canStream is %s (docs/lambda-protocol.md §2)', (source, canStream) => {
    const events: Record<string, unknown> = {
      alb: baseAlbEvent(),
      'lattice-v2': baseLatticeV2Event(),
      'lattice-v1': baseLatticeV1Event(),
      'http-api-v2': baseV2Event(),
      'http-api-v1': { ...baseRestEvent(), version: '1.0' },
      'function-url': baseV2Event(FUNCTION_URL_DOMAIN),
      'rest-api-v1': baseRestEvent(),
    };
    const detected = detectEvent(events[source]);
    expect(detected.kind === 'http' && detected.codec.canStream).toBe(canStream);
  });
});
