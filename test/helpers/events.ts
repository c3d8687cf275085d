/** Small builders for the events the integration tests send; fixtures cover the full shapes. */
import { randomUUID } from 'node:crypto';

export interface HttpRequestSpec {
  method?: string;
  path?: string;
  query?: string;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: Buffer | string;
  base64?: boolean;
}

/** A Function URL event (payload 2.0), as Lambda builds it from a client request. */
export function functionUrlEvent(spec: HttpRequestSpec = {}): Record<string, unknown> {
  const method = spec.method ?? 'GET';
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
  const base64 = spec.base64 ?? (body !== undefined && typeof spec.body !== 'string');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: spec.path ?? '/',
    rawQueryString: spec.query ?? '',
    ...(spec.query ? { queryStringParameters: queryParameters(spec.query) } : {}),
    ...(spec.cookies ? { cookies: spec.cookies } : {}),
    headers: { host: 'abc123.lambda-url.us-east-1.on.aws', 'x-forwarded-proto': 'https', 'x-forwarded-port': '443', ...spec.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc123',
      http: { method, path: spec.path ?? '/', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body !== undefined ? { body: base64 ? body.toString('base64') : body.toString('utf8'), isBase64Encoded: base64 } : { isBase64Encoded: false }),
  };
}

/** An SQS event: a non-HTTP event that Ferry passes through to AWS_LWA_PASS_THROUGH_PATH. */
export function sqsEvent(bodies: string[]): Record<string, unknown> {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m-${i}`,
      receiptHandle: 'r',
      body,
      attributes: {},
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:queue',
      awsRegion: 'us-east-1',
    })),
  };
}

/** Payload 2.0 `queryStringParameters`: decoded, repeated keys comma-joined, as Lambda builds it. */
function queryParameters(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) out[key] = key in out ? `${out[key]},${value}` : value;
  return out;
}
