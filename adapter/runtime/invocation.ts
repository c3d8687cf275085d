/** One invocation as the Runtime API hands it out on `/next`. */
export interface Invocation {
  requestId: string;
  /** Deadline, Unix epoch milliseconds. */
  deadlineMs: number;
  functionArn: string;
  traceId: string | undefined;
  clientContext: string | undefined;
  cognitoIdentity: string | undefined;
  tenantId: string | undefined;
  /** `Lambda-Runtime-Invocation-Id`: echoed unchanged on /response and /error when present. */
  invocationNonce: string | undefined;
  /** The event bytes exactly as the invoker sent them. */
  event: Buffer;
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Build an Invocation from `/next` response headers (lower-case names) and body. */
export function parseInvocation(headers: Headers, event: Buffer): Invocation {
  const requestId = header(headers, 'lambda-runtime-aws-request-id');
  if (!requestId) throw new Error('the Runtime API sent an invocation without Lambda-Runtime-Aws-Request-Id');
  const deadline = Number(header(headers, 'lambda-runtime-deadline-ms'));
  return {
    requestId,
    // A missing or garbled deadline must not make Ferry time out at once: assume Lambda's maximum (15 min).
    deadlineMs: Number.isFinite(deadline) && deadline > 0 ? deadline : Date.now() + 900_000,
    functionArn: header(headers, 'lambda-runtime-invoked-function-arn') ?? '',
    traceId: header(headers, 'lambda-runtime-trace-id'),
    clientContext: header(headers, 'lambda-runtime-client-context'),
    cognitoIdentity: header(headers, 'lambda-runtime-cognito-identity'),
    tenantId: header(headers, 'lambda-runtime-aws-tenant-id'),
    invocationNonce: header(headers, 'lambda-runtime-invocation-id'),
    event,
  };
}
