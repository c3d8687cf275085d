/**
 * Requests Ferry refuses to send (header values HTTP/1.1 cannot carry, invalid names or methods)
 * get a 400 and leave nothing behind; hostile paths, names and bodies become either the request
 * the client meant or a clear error. And an fd shortage is Ferry's own trouble, never a sign
 * that the app is gone.
 */
import { describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../helpers/events.ts';
import { useFerry, type FerryUnderTest } from '../helpers/ferry.ts';
import { hasConnectionTo, limitOpenFiles, lowestFreeFd, openFds, sampleEvent, until } from './support.ts';

const start = useFerry();

/** What the echo app received, from a buffered result. */
function echoed(result: { json(): any }): { method: string; url: string; headers: Record<string, string>; rawHeaders: string[]; body: string } {
  const lambda = result.json();
  expect(lambda.statusCode).toBe(200);
  return JSON.parse(lambda.body);
}

async function expectServed(ferry: FerryUnderTest, path: string): Promise<void> {
  expect(echoed(await ferry.invoke(functionUrlEvent({ path }))).url).toBe(path);
}

describe('a request Ferry cannot send', () => {
  it('leaks no app connection: 150 refused requests under `ulimit -n 128` leave the fd count where it was', async () => {
    // No keep-alive timeout in the app: a leaked connection would stay open for good.
    const ferry = await start({ env: { ECHO_KEEP_ALIVE_MS: '0' } });
    await expectServed(ferry, '/warm');
    const baseline = openFds(ferry.ferryPid);
    limitOpenFiles(ferry.ferryPid, 128);
    for (let i = 0; i < 150; i++) {
      await expectServed(ferry, `/ok-${i}`);
      const refused = await ferry.invoke(functionUrlEvent({ path: `/bad-${i}`, headers: { 'x-a': 'ü€' } }));
      expect(refused.json().statusCode).toBe(400);
      expect(JSON.parse(refused.json().body).errorType).toBe('Ferry.InvalidEvent');
    }
    await expectServed(ferry, '/after');
    expect(openFds(ferry.ferryPid)).toBeLessThanOrEqual(baseline + 1);
  });

  it.each([
    ['a CR', { 'x-a': 'a\rb' }, /x-a contains CR/],
    ['an LF', { 'x-a': 'a\nb' }, /x-a contains LF/],
    ['a NUL', { 'x-a': 'a\u0000b' }, /x-a contains NUL/],
    ['a character outside latin1', { 'x-a': 'ü€' }, /x-a contains "€" \(U\+20AC, outside latin1\)/],
    ['an invalid header name', { 'x a': '1' }, /header name "x a" is not an HTTP token/],
  ])('answers a header with %s with a 400 that names it', async (_what, headers, reason) => {
    const ferry = await start();
    const refused = (await ferry.invoke(functionUrlEvent({ headers }))).json();
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body).message).toMatch(reason);
    await expectServed(ferry, '/next');
  });

  it('answers an invalid method with a 400', async () => {
    const ferry = await start();
    const refused = (await ferry.invoke(functionUrlEvent({ method: 'GE T' }))).json();
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body).message).toMatch(/method "GE T" is not an HTTP token/);
  });

  it('treats running out of file descriptors as an invocation error, never as the app being gone', async () => {
    // The app closes idle connections at once, so the next request needs a new socket.
    const ferry = await start({ env: { ECHO_KEEP_ALIVE_MS: '1' } });
    await expectServed(ferry, '/warm');
    await until(() => !hasConnectionTo(ferry.ferryPid, ferry.port), "Ferry's idle app connection to close");
    limitOpenFiles(ferry.ferryPid, lowestFreeFd(ferry.ferryPid));
    const starved = await ferry.invoke(functionUrlEvent({ path: '/starved' }));
    expect(starved.outcome).toBe('error');
    expect(starved.errorType).toBe('Ferry.OutOfFileDescriptors');
    expect(starved.json().errorMessage).toMatch(/out of file descriptors \(.*EMFILE/);
    expect(ferry.ferryLogs().join('\n')).toMatch(/out of file descriptors/);
    limitOpenFiles(ferry.ferryPid, 1024);
    await expectServed(ferry, '/after');
    expect(ferry.sandbox.processes.every((p) => p.exitCode === null)).toBe(true);
  });
});

describe('hostile paths, names and bodies', () => {
  const METADATA = 'http://169.254.169.254/latest';
  it.each([
    ['a Function URL rawPath', () => ({ ...sampleEvent('aws-lambda-go/function-url-request-with-headers-and-cookies-and-text-body.json'), rawPath: METADATA })],
    ['a REST API path', () => ({ ...sampleEvent('powertools/apigw-rest-no-auth.json'), path: METADATA })],
    ['an ALB path', () => ({ ...sampleEvent('powertools/alb-base.json'), path: METADATA })],
    ['a VPC Lattice path', () => ({ ...sampleEvent('powertools/vpc-lattice-v2-base.json'), path: METADATA })],
  ])('sends %s naming another host as an origin-form path, never absolute-form', async (_what, event) => {
    const ferry = await start();
    const seen = echoed(await ferry.invoke(event()));
    expect(seen.url.startsWith('/')).toBe(true);
    expect(seen.url).toMatch(/^\/http:\/\/169\.254\.169\.254\/latest(\?|$)/);
  });

  it('passes headers named after Object.prototype members as plain headers', async () => {
    const ferry = await start();
    const event = sampleEvent('powertools/apigw-http-no-auth.json');
    event.headers = { ...event.headers, constructor: 'x', toString: 't', hasOwnProperty: 'h' };
    Object.defineProperty(event.headers, '__proto__', { value: 'p', enumerable: true });
    const seen = echoed(await ferry.invoke(event));
    const raw = Object.fromEntries(seen.rawHeaders.flatMap((v, i, all) => (i % 2 === 0 ? [[v.toLowerCase(), all[i + 1]]] : [])));
    expect(raw.constructor).toBe('x');
    expect(raw.tostring).toBe('t');
    expect(raw.hasownproperty).toBe('h');
    expect(raw.__proto__).toBe('p');
  });

  it('keeps query keys and cookie names from Object.prototype as they are', async () => {
    const ferry = await start();
    const event = sampleEvent('powertools/apigw-rest-no-auth.json');
    event.multiValueQueryStringParameters = JSON.parse('{"__proto__":["a"],"constructor":["b"],"toString":["c"]}');
    event.multiValueHeaders = { ...event.multiValueHeaders, Cookie: ['__proto__=1', 'constructor=2'] };
    const seen = echoed(await ferry.invoke(event));
    expect(new URL(seen.url, 'http://x').search).toBe('?__proto__=a&constructor=b&toString=c');
    expect(seen.headers.cookie).toBe('__proto__=1; constructor=2');
  });

  it('refuses a base64 body with characters outside the alphabet as Ferry.InvalidEvent', async () => {
    const ferry = await start();
    const event = sampleEvent('aws-lambda-go/function-url-domain-only-request-with-base64-encoded-body.json');
    const bad = await ferry.invoke({ ...event, body: 'aGVsbG8*d29ybGQ=' });
    expect(bad.outcome).toBe('error');
    expect(bad.errorType).toBe('Ferry.InvalidEvent');
    expect(bad.json().errorMessage).toMatch(/not valid base64: "\*" at offset 7/);
    const good = echoed(await ferry.invoke({ ...event, body: 'aGVsbG8gd29ybGQ=' }));
    expect(Buffer.from(good.body, 'base64').toString()).toBe('hello world');
  });
});
