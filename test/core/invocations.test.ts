import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFerry, type FerryUnderTest } from '../helpers/ferry.ts';
import { FUNCTION_URL_HOST, functionUrlEvent, sqsEvent } from '../helpers/events.ts';

let ferry: FerryUnderTest;
beforeAll(async () => {
  ferry = await startFerry({ env: { AWS_LAMBDA_FUNCTION_NAME: 'orders', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512' } });
});
afterAll(() => ferry.close());

/** What the echo app saw, from the Lambda result. */
function seen(result: { json(): any }) {
  const lambda = result.json();
  return { status: lambda.statusCode, echo: JSON.parse(lambda.body), result: lambda };
}

describe('a Function URL invocation', () => {
  it('reaches the app as the HTTP request the client sent', async () => {
    const body = Buffer.from([0, 1, 2, 250, 255]);
    const result = await ferry.invoke(
      functionUrlEvent({
        method: 'POST',
        path: '/a%20b/ü',
        query: 'x=1&x=2&y=%2F',
        headers: { 'content-type': 'application/octet-stream' },
        cookies: ['a=1', 'b=2'],
        body,
      }),
    );
    const { status, echo } = seen(result);
    expect(status).toBe(200);
    expect(echo.method).toBe('POST');
    expect(echo.url).toBe('/a%20b/%C3%BC?x=1&x=2&y=%2F');
    expect(echo.headers.cookie).toBe('a=1; b=2');
    expect(echo.headers.host).toBe(FUNCTION_URL_HOST);
    expect(Buffer.from(echo.body, 'base64')).toEqual(body);
  });

  it('gives the app the Lambda context headers and replaces any copy the client sent', async () => {
    const result = await ferry.invoke(
      functionUrlEvent({ headers: { 'x-amzn-lambda-context': '{"request_id":"spoofed"}', 'x-amzn-request-context': 'spoofed', 'x-amzn-trace-id': 'spoofed' } }),
      { traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', tenantId: 'tenant-7' },
    );
    const { echo } = seen(result);
    const context = JSON.parse(echo.headers['x-amzn-lambda-context']);
    expect(context.request_id).toBe(result.requestId);
    expect(context.deadline).toBeGreaterThan(Date.now());
    expect(context.invoked_function_arn).toMatch(/^arn:aws:lambda:/);
    expect(context.env_config).toMatchObject({ function_name: 'orders', memory: 512 });
    expect(context.tenant_id).toBe('tenant-7');
    expect(JSON.parse(echo.headers['x-amzn-request-context']).domainName).toBe(FUNCTION_URL_HOST);
    expect(echo.headers['x-amzn-trace-id']).toBe('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
    expect(echo.headers['x-amz-tenant-id']).toBe('tenant-7');
  });

  it('keeps invocations apart: nothing of one request reaches the next', async () => {
    const first = seen(await ferry.invoke(functionUrlEvent({ path: '/one', headers: { 'x-only-first': 'secret' }, cookies: ['s=1'] })));
    const second = seen(await ferry.invoke(functionUrlEvent({ path: '/two' })));
    expect(first.echo.headers['x-only-first']).toBe('secret');
    expect(second.echo.url).toBe('/two');
    expect(second.echo.headers['x-only-first']).toBeUndefined();
    expect(second.echo.headers.cookie).toBeUndefined();
    expect(JSON.parse(first.echo.headers['x-amzn-lambda-context']).request_id).not.toBe(JSON.parse(second.echo.headers['x-amzn-lambda-context']).request_id);
  });

  it('answers an event that is not JSON with a clear invocation error, then serves the next one', async () => {
    const bad = await ferry.invoke(Buffer.from('{not json'));
    expect(bad.outcome).toBe('error');
    expect(bad.errorType).toBe('Ferry.InvalidEvent');
    expect(bad.json().errorMessage).toMatch(/not JSON/);
    expect(seen(await ferry.invoke(functionUrlEvent({ path: '/after-bad' }))).echo.url).toBe('/after-bad');
  });

  it('answers an HTTP-shaped event it cannot read with a clear invocation error', async () => {
    const bad = await ferry.invoke({ requestContext: { elb: { targetGroupArn: 'arn:x' } } });
    expect(bad.outcome).toBe('error');
    expect(bad.errorType).toBe('Ferry.InvalidEvent');
    expect(seen(await ferry.invoke(functionUrlEvent({ path: '/after-odd' }))).echo.url).toBe('/after-odd');
  });

  it('passes a non-HTTP event through to AWS_LWA_PASS_THROUGH_PATH as JSON', async () => {
    const result = await ferry.invoke(sqsEvent(['hello']));
    expect(result.outcome).toBe('response');
    const echo = result.json();
    expect(echo.method).toBe('POST');
    expect(echo.url).toBe('/events');
    expect(echo.headers['content-type']).toBe('application/json');
    expect(JSON.parse(Buffer.from(echo.body, 'base64').toString()).Records[0].body).toBe('hello');
  });

  it('echoes the invocation id nonce on /response and /error, and the emulator never refused a call', async () => {
    await ferry.invoke(functionUrlEvent(), { invocationId: 'nonce-123' });
    await ferry.invoke(Buffer.from('x'), { invocationId: 'nonce-456' });
    await ferry.invoke(functionUrlEvent(), { invocationId: null });
    expect(ferry.emulator.history.filter((h) => h.name === 'rejected')).toEqual([]);
  });
});

describe('app failures', () => {
  it('turns a connection reset into a 502 with a short JSON body naming the cause, and keeps serving', async () => {
    const result = await ferry.invoke(functionUrlEvent({ path: '/reset' }));
    const lambda = result.json();
    expect(lambda.statusCode).toBe(502);
    expect(JSON.parse(lambda.body)).toMatchObject({ errorType: 'Ferry.AppConnectionFailed' });
    expect(ferry.ferryLogs().join('\n')).toMatch(/ERROR the app connection failed/);
    expect(seen(await ferry.invoke(functionUrlEvent({ path: '/after-reset' }))).echo.url).toBe('/after-reset');
  });
});
