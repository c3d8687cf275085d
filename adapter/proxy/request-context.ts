/**
 * What Ferry adds to or changes in each request before it reaches the app: the Lambda context
 * headers (named as the Rust Lambda Web Adapter names them, so apps written for it keep working),
 * AWS_LWA_REMOVE_BASE_PATH and AWS_LWA_AUTHORIZATION_SOURCE.
 */
import type { Config } from '../config.ts';
import type { AppRequest } from '../events/index.ts';
import type { Invocation } from '../runtime/invocation.ts';

/**
 * Headers only Ferry may set: a client's copy is dropped so it cannot spoof them. The tenant id
 * travels as `x-amz-tenant-id`, LWA 1.0's name (and AWS's own on Invoke); a client's
 * `x-amzn-tenant-id`, the name Ferry used before, is dropped too, for apps that still read it.
 */
export const CONTEXT_HEADERS = ['x-amzn-request-context', 'x-amzn-lambda-context', 'x-amzn-trace-id', 'x-amz-tenant-id', 'x-amzn-tenant-id'] as const;

type RewriteConfig = Pick<Config, 'removeBasePath' | 'authorizationSource' | 'functionName' | 'functionVersion' | 'functionMemoryMb'>;

/** Apply the client-request rewrites (base path, authorization source) in place. */
export function rewriteRequest(request: AppRequest, config: RewriteConfig): AppRequest {
  if (config.removeBasePath) request.target = removeBasePath(request.target, config.removeBasePath);
  if (config.authorizationSource) moveHeader(request, config.authorizationSource, 'authorization');
  return request;
}

/** Set the Lambda context headers in place, dropping any copy the client sent. */
export function addContextHeaders(request: AppRequest, event: unknown, invocation: Invocation, config: RewriteConfig): AppRequest {
  for (const name of CONTEXT_HEADERS) delete request.headers[name];
  const requestContext = (event as { requestContext?: unknown } | null)?.requestContext;
  if (requestContext !== undefined) request.headers['x-amzn-request-context'] = asciiJson(requestContext);
  request.headers['x-amzn-lambda-context'] = asciiJson(lambdaContext(invocation, config));
  if (invocation.traceId) request.headers['x-amzn-trace-id'] = invocation.traceId;
  if (invocation.tenantId) request.headers['x-amz-tenant-id'] = invocation.tenantId;
  return request;
}

/** `/api/x` → `/x` for base `/api`; `/apix` stays as it is (segment boundary only). */
export function removeBasePath(target: string, base: string): string {
  const prefix = base.endsWith('/') ? base.slice(0, -1) : base;
  if (prefix === '' || !target.startsWith(prefix)) return target;
  const rest = target.slice(prefix.length);
  if (rest === '') return '/';
  if (rest.startsWith('/')) return rest;
  if (rest.startsWith('?')) return `/${rest}`;
  return target;
}

function moveHeader(request: AppRequest, from: string, to: string): void {
  const value = Object.hasOwn(request.headers, from) ? request.headers[from] : undefined;
  if (value === undefined) return;
  delete request.headers[from];
  request.headers[to] = value;
}

/** The context object, field for field as Lambda Web Adapter serialises it. */
function lambdaContext(invocation: Invocation, config: RewriteConfig): Record<string, unknown> {
  return {
    request_id: invocation.requestId,
    deadline: invocation.deadlineMs,
    invoked_function_arn: invocation.functionArn,
    xray_trace_id: invocation.traceId ?? null,
    client_context: parseJson(invocation.clientContext),
    identity: parseJson(invocation.cognitoIdentity),
    tenant_id: invocation.tenantId ?? null,
    env_config: {
      function_name: config.functionName,
      memory: config.functionMemoryMb,
      version: config.functionVersion,
      log_stream: '',
      log_group: '',
    },
  };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** JSON that is safe as an HTTP header value: non-ASCII escaped as \uXXXX. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
