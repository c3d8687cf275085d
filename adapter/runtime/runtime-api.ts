/**
 * Runtime API client over Ferry's HTTP/1.1 client (../http1/pool.ts: why), on keep-alive connections.
 * `/next` is a long poll with no timeout: the sandbox may be frozen for hours while it is
 * pending. Every response body is consumed.
 */
import { FerryError, describeError } from '../errors.ts';
import { createPool } from '../http1/pool.ts';
import { splitHostPort } from './extensions-api.ts';
import { parseInvocation, type Invocation } from './invocation.ts';

const PREFIX = '/2018-06-01/runtime';
/** How long the Runtime API may take to answer a posted result (it answers a local 6 MB post in milliseconds). */
export const RESULT_ANSWER_TIMEOUT_MS = 5_000;
/**
 * The Runtime API's answer heads: its own headers and an invocation's context (client context and
 * Cognito identity, a few KiB at most), far from this limit.
 */
export const RUNTIME_HEAD_LIMIT = 64 * 1024;

/** What the Runtime API said to a result, as far as Ferry needs to act on it. */
export type PostOutcome = 'accepted' | 'rejected' | 'too-large' | 'late';

export interface RuntimeApi {
  next(): Promise<Invocation>;
  postResponse(invocation: Invocation, body: Buffer | string, contentType?: string): Promise<PostOutcome>;
  postError(invocation: Invocation, errorType: string, body: unknown): Promise<PostOutcome>;
  postInitError(errorType: string, body: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeApiOptions {
  /** Called for answers the contract calls unusual (4xx) with a short description; never thrown. */
  onRejected?: (what: string, status: number, body: string) => void;
}

/**
 * What a Runtime API answer to a result (/response, streamed or not, /error, /init/error) means:
 * 5xx is a container error, after which the contract says exit (thrown, FERRY_RUNTIME_API).
 * The one reading of these statuses, for the buffered and the streamed upload alike.
 */
export function postOutcome(status: number, call: string, body: string): PostOutcome {
  if (status === 202 || status === 200) return 'accepted';
  if (status >= 500) throw containerError(call, status, body);
  if (status === 413) return 'too-large';
  if (status === 410) return 'late';
  return 'rejected';
}

function containerError(call: string, status: number, body: string): FerryError {
  return new FerryError(
    'FERRY_RUNTIME_API',
    `Runtime API answered ${call} with HTTP ${status} (container error); exiting${body ? `: ${body.slice(0, 200)}` : ''}`,
  );
}

/**
 * A result post that got no HTTP answer: silence, a reset or bytes that are not HTTP. The Runtime
 * API is this sandbox's only source of work and the only way to answer, so one that fails a result
 * is broken for good: Ferry exits (the loop treats FERRY_RUNTIME_API as fatal) and Lambda replaces
 * the sandbox, as after a 5xx, rather than hang silently or serve invocations it cannot answer.
 */
export function unanswered(call: string, error: unknown): FerryError {
  return new FerryError('FERRY_RUNTIME_API', `The Runtime API did not answer ${call} (${describeError(error)}); exiting so Lambda replaces the sandbox`, {
    cause: error,
  });
}

/** Headers Ferry echoes on /response and /error. */
export function resultHeaders(invocation: Invocation): Record<string, string> {
  return invocation.invocationNonce ? { 'lambda-runtime-invocation-id': invocation.invocationNonce } : {};
}

export function createRuntimeApi(address: string, options: RuntimeApiOptions = {}): RuntimeApi {
  const [host, port] = splitHostPort(address);
  // The Runtime API keeps its connections: no idle limit. Every answer is read whole (fetch): no
  // stream between the socket and the caller.
  const pool = createPool(host, port, { idleTimeoutMs: Number.POSITIVE_INFINITY, maxHeadBytes: RUNTIME_HEAD_LIMIT });

  async function post(path: string, headers: Record<string, string>, body: Buffer | string, what: string): Promise<PostOutcome> {
    let statusCode: number;
    let text: string;
    // Bounded, head and body alike: a Runtime API that never answers a result is broken (see unanswered()).
    try {
      const res = await pool.fetch({ method: 'POST', path, headers, body }, { timeoutMs: RESULT_ANSWER_TIMEOUT_MS });
      statusCode = res.statusCode;
      text = res.body.toString('utf8');
    } catch (error) {
      throw unanswered(what, error);
    }
    const outcome = postOutcome(statusCode, what, text);
    if (outcome !== 'accepted') options.onRejected?.(what, statusCode, text.slice(0, 500));
    return outcome;
  }

  return {
    async next() {
      for (let attempt = 0; ; attempt++) {
        const res = await pool.fetch({ method: 'GET', path: `${PREFIX}/invocation/next` }).catch((error: unknown) => {
          throw new FerryError('FERRY_RUNTIME_API', `The Runtime API did not answer /next (${describeError(error)}); exiting so Lambda replaces the sandbox`, {
            cause: error,
          });
        });
        if (res.statusCode === 200) return parseInvocation(res.headers, res.body);
        const text = res.body.toString('utf8');
        if (res.statusCode >= 500) throw containerError('/next', res.statusCode, text);
        // 403 while a previous upload is still finishing, or an unexpected status: wait briefly, ask again.
        options.onRejected?.('/next', res.statusCode, text.slice(0, 500));
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 10 * 2 ** attempt)));
      }
    },

    postResponse(invocation, body, contentType = 'application/json') {
      const headers = { ...resultHeaders(invocation), 'content-type': contentType };
      return post(`${PREFIX}/invocation/${encodeURIComponent(invocation.requestId)}/response`, headers, body, '/response');
    },

    postError(invocation, errorType, body) {
      const headers = { ...resultHeaders(invocation), 'content-type': 'application/json', 'lambda-runtime-function-error-type': errorType };
      return post(`${PREFIX}/invocation/${encodeURIComponent(invocation.requestId)}/error`, headers, JSON.stringify(body), '/error');
    },

    async postInitError(errorType, body) {
      const headers = { 'content-type': 'application/json', 'lambda-runtime-function-error-type': errorType };
      await post(`${PREFIX}/init/error`, headers, JSON.stringify(body), '/init/error');
    },

    close: async () => pool.close(),
  };
}
