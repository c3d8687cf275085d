/**
 * The front door's event builders against Ferry's own codecs: every event a builder makes must
 * be detected as its source and decode back into the request the client sent (round trip), and
 * must carry the source's known quirks (docs/lambda-protocol.md §5).
 */
import { describe, expect, it } from 'vitest';
import { defaultDecodeOptions, detectEvent, type AppRequest } from '../../adapter/events/index.ts';
import { EVENT_BUILDERS, EVENT_SOURCES, type ClientRequest, type EventContext, type LocalEventSource } from '../../adapter/local/front-door/index.ts';

const context: EventContext = {
  requestId: 'req-1',
  timeEpoch: Date.UTC(2025, 0, 2, 3, 4, 5),
  sourceIp: '203.0.113.9',
  region: 'eu-west-1',
  protocol: 'http',
  port: 3000,
};

const request = (overrides: Partial<ClientRequest> = {}): ClientRequest => ({
  method: 'GET',
  path: '/hello',
  rawQuery: '',
  headers: [
    ['Host', '127.0.0.1:3000'],
    ['User-Agent', 'test-client'],
    ['Accept', 'application/json'],
  ],
  body: null,
  ...overrides,
});

/** One vocabulary: each front-door source is named after the codec that reads its events (`alb-multi` is the alb codec's multi-value mode). */
const CODEC_OF = (source: LocalEventSource) => (source === 'alb-multi' ? 'alb' : source);

/** Build the event, check Ferry detects the right source, and decode it as Ferry would. */
function roundTrip(source: LocalEventSource, client: ClientRequest): { event: any; app: AppRequest } {
  const event = JSON.parse(JSON.stringify(EVENT_BUILDERS[source](client, context)));
  const detected = detectEvent(event);
  if (detected.kind !== 'http') throw new Error(`${source}: detected as pass-through`);
  expect(detected.codec.source).toBe(CODEC_OF(source));
  return { event, app: detected.codec.toRequest(event, defaultDecodeOptions) };
}

const decode = (text: string) => decodeURIComponent(text.replaceAll('+', ' '));
const split = (target: string) => {
  const at = target.indexOf('?');
  return at === -1 ? { path: target, query: '' } : { path: target.slice(0, at), query: target.slice(at + 1) };
};
const pairs = (query: string) =>
  query
    .split('&')
    .filter(Boolean)
    .map((p) => p.split('=').map(decode) as [string, string]);
const single = (app: AppRequest, name: string) => [app.headers[name]].flat().join(', ');

describe.each(EVENT_SOURCES)('the %s event decodes back into the client request', (source) => {
  it('keeps the method, the path and every query value', () => {
    const client = request({ path: '/caf%C3%A9/a%20b', rawQuery: 'q=a+b&r=x%26y&empty=&r=2' });
    const { app } = roundTrip(source, client);
    const target = split(app.target);
    expect(app.method).toBe('GET');
    expect(decode(target.path)).toBe('/café/a b');
    const expected = pairs(client.rawQuery);
    // ALB single-value mode keeps the last value of a repeated key (and Lattice maps group keys).
    if (source === 'alb')
      expect(pairs(target.query)).toEqual([
        ['q', 'a b'],
        ['r', '2'],
        ['empty', ''],
      ]);
    else expect(pairs(target.query).sort()).toEqual(expected.sort());
  });

  it('keeps header values, joins repeats, and gives the app one Cookie header', () => {
    const client = request({
      headers: [...request().headers, ['X-Multi', 'one'], ['X-Multi', 'two'], ['Cookie', 'a=1; b=2'], ['X-Forwarded-For', '198.51.100.1']],
    });
    const { app } = roundTrip(source, client);
    expect(single(app, 'user-agent')).toBe('test-client');
    expect(single(app, 'cookie')).toBe('a=1; b=2');
    expect(single(app, 'x-forwarded-for')).toBe('198.51.100.1, 203.0.113.9');
    // Payload 2.0 joins with ',', the maps keep both values; ALB single-value keeps the last.
    expect(single(app, 'x-multi').replace(/,\s*/g, ',')).toBe(source === 'alb' ? 'two' : 'one,two');
  });

  it('carries a JSON body as it was sent', () => {
    const body = Buffer.from(JSON.stringify({ name: 'Zoë' }));
    const { app } = roundTrip(source, request({ method: 'POST', headers: [...request().headers, ['Content-Type', 'application/json']], body }));
    expect(app.method).toBe('POST');
    expect(app.body).toEqual(body);
  });

  it('carries binary bytes exactly', () => {
    const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const { app } = roundTrip(source, request({ method: 'PUT', headers: [...request().headers, ['Content-Type', 'image/png']], body }));
    expect(app.body).toEqual(body);
  });

  it('sends no body when the client sent none', () => {
    expect(roundTrip(source, request()).app.body).toBeNull();
  });
});

describe('each event has the shape its source gives it', () => {
  it('payload 2.0 keeps rawQueryString verbatim, moves cookies to cookies[] and comma-joins repeats', () => {
    const { event } = roundTrip(
      'http-api-v2',
      request({
        rawQuery: 'b=2&a=%41+',
        headers: [
          ['Cookie', 'a=1; b=2'],
          ['X-A', '1'],
          ['x-a', '2'],
        ],
      }),
    );
    expect(event.rawQueryString).toBe('b=2&a=%41+');
    expect(event.queryStringParameters).toEqual({ b: '2', a: 'A ' });
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers['x-a']).toBe('1,2');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.time).toBe('02/Jan/2025:03:04:05 +0000');
  });

  it('a Function URL keeps the cookie header and the encoded path; an HTTP API decodes the path', () => {
    const client = request({ path: '/a%20b', headers: [['Cookie', 'a=1']] });
    const url = roundTrip('function-url', client).event;
    expect(url.rawPath).toBe('/a%20b');
    expect(url.headers.cookie).toBe('a=1');
    expect(url.requestContext.domainName).toMatch(/\.lambda-url\.eu-west-1\.on\.aws$/);
    expect(roundTrip('http-api-v2', client).event.rawPath).toBe('/a b');
  });

  it('Function URL bodies arrive as text only for text types, otherwise base64', () => {
    const body = Buffer.from('a=1&b=2');
    const asForm = roundTrip('function-url', request({ method: 'POST', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body })).event;
    expect(asForm).toMatchObject({ body: body.toString('base64'), isBase64Encoded: true });
    const asText = roundTrip('function-url', request({ method: 'POST', headers: [['Content-Type', 'text/plain; charset=utf-8']], body })).event;
    expect(asText).toMatchObject({ body: 'a=1&b=2', isBase64Encoded: false });
  });

  it('REST 1.0 has path, multiValueHeaders and decoded multiValueQueryStringParameters', () => {
    const { event } = roundTrip('rest-api-v1', request({ path: '/users/42', rawQuery: 'x=a%20b&x=c' }));
    expect(event.path).toBe('/users/42');
    expect(event.requestContext.path).toBe('/local/users/42');
    expect(event.multiValueQueryStringParameters).toEqual({ x: ['a b', 'c'] });
    expect(event.queryStringParameters).toEqual({ x: 'c' });
    expect(event.multiValueHeaders['User-Agent']).toEqual(['test-client']);
    expect(event.body).toBeNull();
  });

  it('ALB keeps query values percent-encoded and sends "" for no body', () => {
    const single = roundTrip('alb', request({ rawQuery: 'x=a%20b&x=c%26d' })).event;
    expect(single.queryStringParameters).toEqual({ x: 'c%26d' });
    expect(single.body).toBe('');
    expect(single.multiValueHeaders).toBeUndefined();
    const multi = roundTrip('alb-multi', request({ rawQuery: 'x=a%20b&x=c%26d' })).event;
    expect(multi.multiValueQueryStringParameters).toEqual({ x: ['a%20b', 'c%26d'] });
    expect(multi.headers).toBeUndefined();
  });

  it('drops the fields of the client connection that no front end forwards', () => {
    const { event } = roundTrip(
      'alb-multi',
      request({
        headers: [
          ['Connection', 'keep-alive'],
          ['Keep-Alive', 'timeout=5'],
          ['Accept', '*/*'],
        ],
      }),
    );
    expect(Object.keys(event.multiValueHeaders).sort()).toEqual(['accept', 'x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto']);
  });
});
