/**
 * Property tests: for every source, a client request built at random goes through the source
 * model (what AWS puts in the event) and the codec, and the app must get what the client sent;
 * a random app response goes through the codec and the client's reading of the result, and the
 * client must get what the app sent. Where a source loses information by design (HTTP API
 * decodes the path, ALB single-value mode keeps one value), the model's traits say what survives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTextBody, type AppResponse } from '../../adapter/events/index.ts';
import {
  appHeader,
  expectedHeaderValues,
  expectedQuery,
  expectedResponseValues,
  expectedSetCookies,
  parseQuery,
  SOURCES,
  splitTarget,
  type ClientRequest,
} from './sources.ts';

const NUM_RUNS = 250;

// ---------------------------------------------------------------------------------------------
// Client requests

/** Encodes a path segment as a client would: strictly, or leaving sub-delims like `+` raw. */
const lenientSegment = (s: string) => encodeURIComponent(s).replace(/%(2B|24|26|2C|3B|3D|3A|40)/g, (m) => decodeURIComponent(m));

const segmentChars = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('a b', 'a/b', 'a+b', '%', '100%', '?x', '#', 'ü', '日本', '😀', "!'()*", '~._-', ':@$&,;='),
);

const pathArb = (withPercent: boolean) =>
  fc
    .tuple(fc.array(segmentChars, { maxLength: 4 }), fc.boolean(), fc.boolean())
    .filter(([segments]) => withPercent || segments.every((s) => !s.includes('%')))
    .map(
      ([segments, lenient, trailingSlash]) =>
        `/${segments.map(lenient ? lenientSegment : encodeURIComponent).join('/')}${trailingSlash && segments.length ? '/' : ''}`,
    );

const queryArb = fc.array(
  fc.tuple(
    fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 5 }), fc.constantFrom('a', 'id', 'a b', 'k&=', 'ü')),
    fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom('', 'x y', 'a+b', '100%', '%41', 'a=b&c', 'Wed, 21 Oct')),
  ),
  { maxLength: 6 },
);

const headerName = fc.stringMatching(/^x-[a-z0-9]{1,6}$/);
const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,16}[!-~])?$/);
/** Names repeat on purpose: a small name pool makes repeated headers common. */
const headersArb = fc.array(fc.tuple(fc.oneof(headerName, fc.constantFrom('x-multi', 'accept', 'x-forwarded-for')), headerValue), { maxLength: 8 });

const cookieArb = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/), fc.stringMatching(/^([A-Za-z0-9=,._-][A-Za-z0-9=, ._-]{0,14})?[A-Za-z0-9=,._-]?$/))
  .map(([name, value]) => `${name}=${value}`);

const contentTypes = [
  'application/octet-stream',
  'application/json',
  'text/plain; charset=utf-8',
  'image/png',
  'application/x-www-form-urlencoded',
  'text/html; charset=iso-8859-1',
];
const bodyArb = fc.option(
  fc.tuple(
    fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 50 }).map((s) => Buffer.from(s)),
    ),
    fc.constantFrom(...contentTypes),
  ),
  { nil: null },
);

const requestArb = (withPercentInPath: boolean): fc.Arbitrary<ClientRequest> =>
  fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
      path: pathArb(withPercentInPath),
      query: queryArb,
      headers: headersArb,
      cookies: fc.array(cookieArb, { maxLength: 4 }),
      body: bodyArb,
    })
    .map(({ body, headers, ...rest }) => ({
      ...rest,
      headers: [['host', 'example.com'] as [string, string], ...headers, ...(body ? [['content-type', body[1]] as [string, string]] : [])],
      body: body ? body[0] : null,
    }));

// ---------------------------------------------------------------------------------------------
// App responses

const responseTypes = [
  'application/json',
  'application/jwk-set+json',
  'text/html; charset=utf-8',
  'text/plain; charset=iso-8859-1',
  'text/plain; charset=utf-16',
  'image/png',
  'application/zip',
  'application/octet-stream',
];

const setCookieArb = fc.oneof(
  cookieArb.map((c) => `${c}; Path=/`),
  fc.constantFrom('id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure', 'theme=a,b; Max-Age=60', 'x=; Expires=Thu, 01 Jan 1970 00:00:00 GMT'),
);

const responseArb: fc.Arbitrary<AppResponse> = fc
  .record({
    statusCode: fc.integer({ min: 200, max: 599 }),
    headers: fc.dictionary(headerName, fc.array(headerValue, { minLength: 1, maxLength: 3 }), { maxKeys: 5 }),
    cookies: fc.array(setCookieArb, { maxLength: 4 }),
    type: fc.option(fc.constantFrom(...responseTypes), { nil: undefined }),
    encoding: fc.option(fc.constantFrom('gzip', 'br', 'identity'), { nil: undefined }),
    body: fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
      fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => Buffer.from(s)),
    ),
  })
  .map(({ statusCode, headers, cookies, type, encoding, body }) => {
    const all: AppResponse['headers'] = {};
    for (const [name, values] of Object.entries(headers)) all[name] = values.length === 1 ? values[0] : values;
    if (type) all['content-type'] = type;
    if (encoding) all['content-encoding'] = encoding;
    if (cookies.length) all['set-cookie'] = cookies;
    return { statusCode, headers: all, body };
  });

// ---------------------------------------------------------------------------------------------

describe.each(SOURCES)('$name', (model) => {
  const { codec, traits } = model;

  it('the app receives the request the client sent', () => {
    fc.assert(
      fc.property(requestArb(traits.path === 'exact'), (request) => {
        const app = codec.toRequest(model.event(request), { includeStage: false });
        expect(app.method).toBe(request.method);

        // A request target is ASCII without spaces, whatever the event held.
        expect(app.target).toMatch(/^\/[\x21-\x7e]*$/);
        const { path, query } = splitTarget(app.target);
        if (traits.path === 'exact') expect(path).toBe(request.path);
        else expect(decodeURIComponent(path)).toBe(decodeURIComponent(request.path));

        if (traits.query === 'exact') expect(query ?? '').toBe(request.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
        expect(parseQuery(query)).toEqual(expectedQuery(traits, request.query));

        const byName = new Map<string, string[]>();
        for (const [name, value] of request.headers) byName.set(name, [...(byName.get(name) ?? []), value]);
        for (const [name, values] of byName) expect(appHeader(app, name)).toEqual(expectedHeaderValues(traits, values));
        expect(app.headers.cookie).toBe(request.cookies.length ? request.cookies.join('; ') : undefined);
        expect(app.headers['content-length']).toBeUndefined();

        if (request.body === null) expect(app.body).toBeNull();
        else expect(app.body?.equals(request.body)).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the client receives the response the app sent', () => {
    const event = model.event({ method: 'GET', path: '/', query: [], headers: [['host', 'example.com']], cookies: [], body: null });
    fc.assert(
      fc.property(responseArb, (response) => {
        const result = codec.toResult(response, event, { isTextBody });
        // The result must survive the trip through JSON that the Runtime API makes.
        const client = model.receive(JSON.parse(JSON.stringify(result)));

        expect(client.statusCode).toBe(response.statusCode);
        expect(client.body.equals(response.body)).toBe(true);
        if (result.isBase64Encoded === false && response.body.length > 0) {
          expect(isTextBody(response.headers['content-type'] as string | undefined, response.headers['content-encoding'] as string | undefined)).toBe(true);
        }

        const cookies = (response.headers['set-cookie'] ?? []) as string[];
        expect(client.setCookies).toEqual(expectedSetCookies(traits, cookies));

        const sent = Object.entries(response.headers).filter(([name]) => name !== 'set-cookie');
        expect(new Set(client.headers.map(([name]) => name))).toEqual(new Set(sent.map(([name]) => name)));
        for (const [name, value] of sent) {
          const values = Array.isArray(value) ? value : [value];
          const received = client.headers.filter(([n]) => n === name).map(([, v]) => v);
          expect(received).toEqual(expectedResponseValues(traits, values));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
