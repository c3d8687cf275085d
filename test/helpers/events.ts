/** Small builders for the events the integration tests send; fixtures cover the full shapes. */
import { randomUUID } from 'node:crypto';
import { functionUrlEvent as buildFunctionUrlEvent, LOCAL_URL_ID } from '../../adapter/local/front-door/events/index.ts';

export interface HttpRequestSpec {
  method?: string;
  path?: string;
  query?: string;
  headers?: Record<string, string>;
  cookies?: string[];
  /** Travels as text or base64 by its content type, as AWS decides for Function URLs. */
  body?: Buffer | string;
}

/** The Function URL host in the test events: what Lambda's front end would put in `requestContext.domainName`. */
export const FUNCTION_URL_HOST = `${LOCAL_URL_ID}.lambda-url.us-east-1.on.aws`;

/**
 * A Function URL event (payload 2.0) for a client request, built by the local front door's own
 * event builder: the tests send exactly the events `ferry local` sends.
 */
export function functionUrlEvent(spec: HttpRequestSpec = {}): Record<string, unknown> {
  const headers: Array<[string, string]> = [['host', FUNCTION_URL_HOST], ...Object.entries(spec.headers ?? {})];
  if (spec.cookies) headers.push(['cookie', spec.cookies.join('; ')]);
  return buildFunctionUrlEvent(
    {
      method: spec.method ?? 'GET',
      path: spec.path ?? '/',
      rawQuery: spec.query ?? '',
      headers,
      body: spec.body === undefined ? null : Buffer.from(spec.body),
    },
    { requestId: randomUUID(), timeEpoch: Date.now(), sourceIp: '203.0.113.7', region: 'us-east-1', protocol: 'https', port: 443 },
  );
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
