/**
 * Every published sample event in test/fixtures/events (aws-lambda-go, Apache-2.0;
 * Powertools for AWS Lambda (TypeScript), MIT-0: see the README and LICENSE files there) goes
 * through detection, and every HTTP one through its codec.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectEvent, isTextBody, type AppRequest, type EventSource } from '../../adapter/events/index.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/events');

function load(file: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));
}

/** Responses, not requests: they are not events, and must never look like one. */
const RESPONSE_SAMPLES = ['aws-lambda-go/alb-lambda-target-response.json', 'aws-lambda-go/apigw-response.json', 'aws-lambda-go/lambda-urls-response.json'];

const EXPECTED: Record<string, EventSource | 'pass-through'> = {
  'aws-lambda-go/alb-lambda-target-request-headers-only.json': 'alb',
  'aws-lambda-go/alb-lambda-target-request-multivalue-headers.json': 'alb',
  'aws-lambda-go/alb-lambda-target-response.json': 'pass-through',
  'aws-lambda-go/apigw-request.json': 'rest-api-v1',
  'aws-lambda-go/apigw-response.json': 'pass-through',
  'aws-lambda-go/apigw-v2-request-iam.json': 'http-api-v2',
  'aws-lambda-go/apigw-v2-request-jwt-authorizer.json': 'http-api-v2',
  'aws-lambda-go/apigw-v2-request-lambda-authorizer.json': 'http-api-v2',
  'aws-lambda-go/apigw-v2-request-no-authorizer.json': 'http-api-v2',
  'aws-lambda-go/apigw-websocket-request.json': 'pass-through',
  'aws-lambda-go/dynamodb-event.json': 'pass-through',
  'aws-lambda-go/function-url-domain-only-get-request-trailing-slash.json': 'function-url',
  'aws-lambda-go/function-url-domain-only-get-request.json': 'function-url',
  'aws-lambda-go/function-url-domain-only-request-with-base64-encoded-body.json': 'function-url',
  'aws-lambda-go/function-url-request-with-headers-and-cookies-and-text-body.json': 'function-url',
  'aws-lambda-go/lambda-urls-request.json': 'function-url',
  'aws-lambda-go/lambda-urls-response.json': 'pass-through',
  'aws-lambda-go/s3-event.json': 'pass-through',
  'aws-lambda-go/sns-event.json': 'pass-through',
  'aws-lambda-go/sqs-event.json': 'pass-through',
  'powertools/alb-base.json': 'alb',
  'powertools/alb-multi-fields.json': 'alb',
  'powertools/apigw-http-iam-auth.json': 'http-api-v2',
  'powertools/apigw-http-jwt-authorizer-auth.json': 'http-api-v2',
  'powertools/apigw-http-lambda-authorizer-auth.json': 'http-api-v2',
  'powertools/apigw-http-no-auth.json': 'http-api-v2',
  'powertools/apigw-rest-console-test-ui.json': 'rest-api-v1',
  'powertools/apigw-rest-iam-auth.json': 'rest-api-v1',
  'powertools/apigw-rest-lambda-authorizer-auth.json': 'rest-api-v1',
  'powertools/apigw-rest-no-auth.json': 'rest-api-v1',
  'powertools/dynamodb-base.json': 'pass-through',
  'powertools/eventbridge-base.json': 'pass-through',
  'powertools/lambda-base.json': 'function-url',
  'powertools/lambda-get-request.json': 'function-url',
  'powertools/lambda-iam-auth.json': 'function-url',
  'powertools/s3-base.json': 'pass-through',
  'powertools/sns-base.json': 'pass-through',
  'powertools/sqs-base.json': 'pass-through',
  'powertools/vpc-lattice-base.json': 'lattice-v1',
  'powertools/vpc-lattice-v2-base.json': 'lattice-v2',
};

function decode(file: string, includeStage = false): AppRequest {
  const event = load(file);
  const detected = detectEvent(event);
  if (detected.kind !== 'http') throw new Error(`${file} is not an HTTP event`);
  return detected.codec.toRequest(event, { includeStage });
}

const text = (request: AppRequest) => request.body?.toString('utf8');

describe('published sample events', () => {
  it('covers every sample file in the fixtures folder', () => {
    const files = ['aws-lambda-go', 'powertools'].flatMap((dir) =>
      readdirSync(path.join(FIXTURES, dir))
        .filter((f) => f.endsWith('.json'))
        .map((f) => `${dir}/${f}`),
    );
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('detects %s as %s', (file, expected) => {
    const detected = detectEvent(load(file));
    expect(detected.kind === 'http' ? detected.codec.source : 'pass-through').toBe(expected);
    if (RESPONSE_SAMPLES.includes(file)) expect(detected.kind).toBe('pass-through');
  });

  it.each(Object.entries(EXPECTED).filter(([, kind]) => kind !== 'pass-through'))('decodes %s and re-encodes a response for it', (file) => {
    const event = load(file);
    const detected = detectEvent(event);
    if (detected.kind !== 'http') throw new Error('not http');
    const request = detected.codec.toRequest(event, { includeStage: false });
    expect(request.target).toMatch(/^\/[\x21-\x7e]*$/);
    for (const name of Object.keys(request.headers)) expect(name).toBe(name.toLowerCase());
    for (const name of ['content-length', 'connection', 'transfer-encoding']) expect(request.headers[name]).toBeUndefined();
    const result = detected.codec.toResult({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from('ok') }, event, { isTextBody });
    expect(result).toMatchObject({ statusCode: 200, body: 'ok', isBase64Encoded: false });
  });

  describe('ALB', () => {
    it('alb-lambda-target-request-headers-only: single-value mode', () => {
      const request = decode('aws-lambda-go/alb-lambda-target-request-headers-only.json');
      expect(request).toMatchObject({ method: 'GET', target: '/?key=hello', body: null });
      expect(request.headers).toMatchObject({
        host: 'lambda-test-alb-1334523864.us-east-1.elb.amazonaws.com',
        'x-myheader': '123',
        'x-forwarded-proto': 'http',
        'x-forwarded-port': '80',
      });
      expect(request.headers.connection).toBeUndefined();
    });

    it('alb-lambda-target-request-multivalue-headers: multi-value mode, and a multi-value result', () => {
      const file = 'aws-lambda-go/alb-lambda-target-request-multivalue-headers.json';
      const request = decode(file);
      expect(request).toMatchObject({ method: 'GET', target: '/?key=hello', body: null });
      expect(request.headers['x-forwarded-for']).toBe('72.21.198.67');
      const detected = detectEvent(load(file));
      const result =
        detected.kind === 'http' &&
        detected.codec.toResult({ statusCode: 404, headers: { 'set-cookie': ['a=1', 'b=2'] }, body: Buffer.alloc(0) }, load(file), { isTextBody });
      expect(result).toEqual({
        statusCode: 404,
        statusDescription: '404 Not Found',
        multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
        body: '',
        isBase64Encoded: false,
      });
    });

    it('alb-base: a text body on a GET', () => {
      const request = decode('powertools/alb-base.json');
      expect(request).toMatchObject({ method: 'GET', target: '/lambda?query=1234ABCD' });
      expect(text(request)).toBe('Test');
      expect(request.headers['accept-encoding']).toBe('gzip');
    });

    it('alb-multi-fields: an empty multiValueQueryStringParameters gives no query', () => {
      const request = decode('powertools/alb-multi-fields.json');
      expect(request.target).toBe('/lambda');
      expect(request.headers['user-agent']).toBe('curl/7.79.1');
    });
  });

  describe('REST API (payload 1.0)', () => {
    it('apigw-request: mixed-case multiValueHeaders lower-cased, query, text body', () => {
      const request = decode('aws-lambda-go/apigw-request.json');
      expect(request).toMatchObject({ method: 'POST', target: '/hello/world?name=me' });
      expect(text(request)).toBe('{\r\n\t"a": 1\r\n}');
      expect(request.headers).toMatchObject({
        host: 'gy415nuibc.execute-api.us-east-1.amazonaws.com',
        'content-type': 'application/json',
        headername: 'headerValue',
        'x-forwarded-for': '54.240.196.186, 54.182.214.83',
        'cloudfront-viewer-country': 'US',
      });
    });

    it('apigw-request: includeStage puts the stage in front of the path', () => {
      expect(decode('aws-lambda-go/apigw-request.json', true).target).toBe('/testStage/hello/world?name=me');
    });

    it('apigw-rest-no-auth: null query maps and null body', () => {
      const request = decode('powertools/apigw-rest-no-auth.json');
      expect(request).toMatchObject({ method: 'POST', target: '/no-auth', body: null });
      expect(request.headers['x-forwarded-for']).toBe('15.248.3.126, 130.176.209.21');
      expect(decode('powertools/apigw-rest-no-auth.json', true).target).toBe('/prod/no-auth');
    });

    it('apigw-rest-console-test-ui: null headers; host from domainName; no X-Forwarded-For from a fake source IP', () => {
      const request = decode('powertools/apigw-rest-console-test-ui.json');
      expect(request).toMatchObject({ method: 'POST', target: '/no-auth', body: null });
      expect(request.headers).toEqual({ host: 'testPrefix.testDomainName', 'x-forwarded-proto': 'https', 'x-forwarded-port': '443' });
    });

    it.each(['powertools/apigw-rest-iam-auth.json', 'powertools/apigw-rest-lambda-authorizer-auth.json'])('%s keeps its authorization headers', (file) => {
      const request = decode(file);
      expect(request.headers.host).toBe('puhdx84jy9.execute-api.eu-west-1.amazonaws.com');
      expect(request.headers['x-amz-date'] ?? request.headers.authorization).toBeDefined();
    });
  });

  describe('HTTP API (payload 2.0)', () => {
    it.each(['iam', 'jwt-authorizer', 'lambda-authorizer'])('apigw-v2-request-%s: rawQueryString verbatim, cookies joined, no fake X-Forwarded-For', (kind) => {
      const request = decode(`aws-lambda-go/apigw-v2-request-${kind}.json`);
      expect(request).toMatchObject({ method: 'GET', target: '/my/path?parameter1=value1&parameter1=value2&parameter2=value' });
      expect(request.headers).toMatchObject({
        header1: 'value1',
        header2: 'value2',
        cookie: 'cookie1; cookie2',
        host: 'id.execute-api.us-east-1.amazonaws.com',
      });
      expect(request.headers['x-forwarded-for']).toBeUndefined(); // sourceIp is "IP"
      expect(text(request)).toBe('{\r\n\t"a": 1\r\n}');
    });

    it('apigw-v2-request-no-authorizer: no body, content-length dropped', () => {
      const request = decode('aws-lambda-go/apigw-v2-request-no-authorizer.json');
      expect(request).toMatchObject({ method: 'GET', target: '/', body: null });
      expect(request.headers['content-length']).toBeUndefined();
      expect(request.headers['x-forwarded-for']).toBe('1.2.3.4');
    });

    it.each(['iam-auth', 'jwt-authorizer-auth', 'lambda-authorizer-auth', 'no-auth'])('apigw-http-%s: a POST without body', (kind) => {
      const request = decode(`powertools/apigw-http-${kind}.json`);
      expect(request.method).toBe('POST');
      expect(request.body).toBeNull();
      expect(request.headers.host).toBe('lsw1ro4ipb.execute-api.eu-west-1.amazonaws.com');
      expect(request.target).not.toContain('?');
    });
  });

  describe('Function URL (payload 2.0)', () => {
    it('function-url-request-with-headers-and-cookies-and-text-body: one Cookie header, comma-joined repeats kept', () => {
      const request = decode('aws-lambda-go/function-url-request-with-headers-and-cookies-and-text-body.json');
      expect(request).toMatchObject({ method: 'POST', target: '/hello?hello=world&foo=bar' });
      expect(request.headers.cookie).toBe('foo=bar; hello=hello');
      expect(request.headers.header2).toBe('h1,h2');
      expect(JSON.parse(text(request)!)).toEqual({ hello: 'world' });
    });

    it('function-url-domain-only-request-with-base64-encoded-body: exact bytes', () => {
      const request = decode('aws-lambda-go/function-url-domain-only-request-with-base64-encoded-body.json');
      expect(request.body).toEqual(Buffer.from('<idk/>'));
      expect(request.headers['content-type']).toBe('idk');
    });

    it.each(['function-url-domain-only-get-request.json', 'function-url-domain-only-get-request-trailing-slash.json'])('%s: GET / without body', (file) => {
      expect(decode(`aws-lambda-go/${file}`)).toMatchObject({ method: 'GET', target: '/', body: null });
    });

    it('lambda-urls-request: text body, cookies', () => {
      const request = decode('aws-lambda-go/lambda-urls-request.json');
      expect(request).toMatchObject({ method: 'POST', target: '/my/path?parameter1=value1&parameter1=value2&parameter2=value' });
      expect(text(request)).toBe('Hello from client!');
      expect(request.headers).toMatchObject({ cookie: 'cookie1; cookie2', host: '<url-id>.lambda-url.us-west-2.on.aws', 'x-forwarded-for': '123.123.123.123' });
    });

    it('lambda-base: body null', () => {
      expect(decode('powertools/lambda-base.json')).toMatchObject({
        method: 'POST',
        target: '/?parameter1=value1&parameter1=value2&parameter2=value',
        body: null,
      });
    });

    it('lambda-get-request: browser headers kept', () => {
      const request = decode('powertools/lambda-get-request.json');
      expect(request.headers['sec-ch-ua']).toBe('" Not A;Brand";v="99", "Chromium";v="102", "Google Chrome";v="102"');
      expect(request.headers['accept-encoding']).toBe('gzip, deflate, br');
    });

    it('lambda-iam-auth: text body', () => {
      expect(text(decode('powertools/lambda-iam-auth.json'))).toBe('Hello from client!');
    });
  });

  describe('VPC Lattice', () => {
    it('vpc-lattice-base (v1): raw_path, query_string_parameters, text body', () => {
      const request = decode('powertools/vpc-lattice-base.json');
      expect(request).toMatchObject({ method: 'GET', target: '/testpath?order-id=1' });
      expect(JSON.parse(text(request)!)).toEqual({ message: 'Hello from Lambda!' });
      expect(request.headers).toMatchObject({ user_agent: 'curl/7.64.1', 'x-forwarded-for': '10.213.229.10' });
    });

    it('vpc-lattice-v2-base: path and queryStringParameters', () => {
      const request = decode('powertools/vpc-lattice-v2-base.json');
      expect(request).toMatchObject({ method: 'GET', target: '/newpath?order-id=1' });
      expect(request.headers.host).toBe('test-lambda-service-3908sdf9u3u.dkfjd93.vpc-lattice-svcs.us-east-2.on.aws');
    });
  });
});
