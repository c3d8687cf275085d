/**
 * What each AWS front end does around the invocation: its size limits, how long it waits, and the
 * answers it gives when Lambda fails. The event itself is built in `events/`.
 *
 * Sources (where AWS documents the behaviour; the rest is what users report, marked below):
 * - Lambda: 6 MB synchronous payloads each way (the invoke request is the event JSON).
 * - Function URLs: https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 * - API Gateway: https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html
 *   (REST: a function error is 502 `{"message": "Internal server error"}`; integration timeout
 *   29 s → 504). HTTP APIs: 30 s integration timeout; error bodies are
 *   `{"message":"Internal Server Error"}` (500) and `{"message":"Service Unavailable"}` (503) as
 *   users observe them; the statuses are not documented.
 * - ALB: 1 MB request body and 1 MB response JSON; errors are its own HTML pages.
 * - VPC Lattice: 6 MB each way.
 */
import type { LocalEventSource } from './events/index.ts';

/** An answer the front end writes itself. */
export interface GatewayReply {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface Gateway {
  /** Request bodies over this many bytes get `requestTooLarge` without invoking Lambda. */
  maxRequestBodyBytes: number;
  /** The front end's own limit on the result JSON (ALB: 1 MB); Lambda's 6 MB is the emulator's. */
  maxResultBytes?: number;
  /** API Gateway stops waiting for the function after `afterMs` (until the first byte when streaming) and answers `reply`. */
  integrationTimeout?: { afterMs: number; reply: GatewayReply };
  /** Payload 2.0 reads a result without `statusCode` as a 200 JSON body; the others call it malformed. */
  infersResult: boolean;
  replies: {
    /** The invocation failed: an error from the function (also its timeout), or a malformed result. */
    functionError: GatewayReply;
    requestTooLarge: GatewayReply;
    /** The result is over Lambda's (or the front end's) response limit. */
    responseTooLarge: GatewayReply;
  };
}

/** Lambda's limit on a synchronous invoke request (the event JSON): 6 MiB. */
export const INVOKE_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
const ALB_LIMIT_BYTES = 1024 * 1024;

const json = (statusCode: number, body: unknown, errorType?: string): GatewayReply => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) },
  body: JSON.stringify(body),
});

const html = (statusCode: number, reason: string): GatewayReply => ({
  statusCode,
  headers: { 'content-type': 'text/html', server: 'awselb/2.0' },
  body: `<html>\r\n<head><title>${statusCode} ${reason}</title></head>\r\n<body>\r\n<center><h1>${statusCode} ${reason}</h1></center>\r\n</body>\r\n</html>\r\n`,
});

const functionUrl: Gateway = {
  maxRequestBodyBytes: INVOKE_PAYLOAD_LIMIT_BYTES,
  infersResult: true,
  replies: {
    functionError: json(502, { message: 'Internal Server Error' }),
    requestTooLarge: json(413, { message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' }, 'RequestTooLargeException'),
    responseTooLarge: json(502, { message: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).' }),
  },
};

const httpApi: Gateway = {
  maxRequestBodyBytes: INVOKE_PAYLOAD_LIMIT_BYTES,
  integrationTimeout: { afterMs: 30_000, reply: json(503, { message: 'Service Unavailable' }) },
  infersResult: true,
  replies: {
    functionError: json(500, { message: 'Internal Server Error' }),
    requestTooLarge: json(413, { message: 'Request Entity Too Large' }),
    responseTooLarge: json(500, { message: 'Internal Server Error' }),
  },
};

const restApi: Gateway = {
  maxRequestBodyBytes: INVOKE_PAYLOAD_LIMIT_BYTES,
  integrationTimeout: { afterMs: 29_000, reply: json(504, { message: 'Endpoint request timed out' }) },
  infersResult: false,
  replies: {
    functionError: json(502, { message: 'Internal server error' }, 'InternalServerErrorException'),
    requestTooLarge: json(413, { message: 'Request Too Long' }),
    responseTooLarge: json(502, { message: 'Internal server error' }, 'InternalServerErrorException'),
  },
};

const alb: Gateway = {
  maxRequestBodyBytes: ALB_LIMIT_BYTES,
  maxResultBytes: ALB_LIMIT_BYTES,
  infersResult: false,
  replies: {
    functionError: html(502, 'Bad Gateway'),
    requestTooLarge: html(413, 'Request Entity Too Large'),
    responseTooLarge: html(502, 'Bad Gateway'),
  },
};

const lattice: Gateway = {
  maxRequestBodyBytes: INVOKE_PAYLOAD_LIMIT_BYTES,
  infersResult: false,
  replies: {
    functionError: { statusCode: 502, headers: { 'content-type': 'text/plain' }, body: 'Bad Gateway' },
    requestTooLarge: { statusCode: 413, headers: { 'content-type': 'text/plain' }, body: 'Payload Too Large' },
    responseTooLarge: { statusCode: 502, headers: { 'content-type': 'text/plain' }, body: 'Bad Gateway' },
  },
};

export const GATEWAYS: Readonly<Record<LocalEventSource, Gateway>> = Object.freeze({
  'function-url': functionUrl,
  'http-api-v2': httpApi,
  'rest-api-v1': restApi,
  alb,
  'alb-multi': alb,
  'lattice-v2': lattice,
});
