/**
 * Ferry's error catalogue: one entry per error, as Fastify's lib/errors.js keeps them. Each entry
 * holds the Lambda `errorType` Ferry reports, the HTTP status the client gets when Ferry answers
 * an HTTP event itself (null: the error only ever reaches Lambda, as an Init, invocation or exit
 * error) and the summary the README's error table shows (a test keeps the two identical).
 *
 * Callers branch on `code`, never on `instanceof`. A code is `FERRY_` and the errorType's reason
 * in SNAKE_CASE, without a trailing `Error` (`Ferry.InvalidEvent` ↔ FERRY_INVALID_EVENT).
 */
export interface ErrorEntry {
  readonly errorType: `Ferry.${string}`;
  readonly status: number | null;
  readonly summary: string;
}

export const ERRORS = {
  FERRY_CONFIG: {
    errorType: 'Ferry.ConfigError',
    status: null,
    summary: 'a setting is missing or malformed (Init fails, every problem listed)',
  },
  FERRY_APP_NOT_READY: {
    errorType: 'Ferry.AppNotReady',
    status: 504,
    summary: "the app was not ready when Init had to end, or before an invocation's deadline (async init)",
  },
  FERRY_APP_GONE: {
    errorType: 'Ferry.AppGone',
    status: null,
    summary: 'the app stopped accepting connections for good: Ferry exits so Lambda replaces the sandbox',
  },
  FERRY_INVALID_EVENT: {
    errorType: 'Ferry.InvalidEvent',
    // Also the answer to a request the event describes but HTTP cannot carry (e.g. a bad header).
    status: 400,
    summary: "the event is not JSON, or claims a source's shape without being a valid event of it",
  },
  FERRY_PASS_THROUGH_FAILED: {
    errorType: 'Ferry.PassThroughFailed',
    status: null,
    summary: 'the app answered a non-HTTP event with a non-2xx status (Lambda retries the batch)',
  },
  FERRY_APP_ERROR_STATUS: {
    errorType: 'Ferry.AppErrorStatus',
    status: null,
    summary: 'the app answered with a status listed in `AWS_LWA_ERROR_STATUS_CODES`',
  },
  FERRY_DEADLINE_EXCEEDED: {
    errorType: 'Ferry.DeadlineExceeded',
    status: 504,
    summary: 'the app had not finished by the deadline minus `FERRY_DEADLINE_MARGIN_MS` (504, error trailer or invocation error)',
  },
  FERRY_APP_CONNECTION_FAILED: {
    errorType: 'Ferry.AppConnectionFailed',
    status: 502,
    summary: 'the app refused or reset the connection (502), or broke off a stream',
  },
  FERRY_INVALID_APP_RESPONSE: {
    errorType: 'Ferry.InvalidAppResponse',
    status: 502,
    summary: "the app's answer is not valid HTTP (status outside 200-599, a control byte or bare CR in a header, headers over 16 KiB): a 502 naming the cause",
  },
  FERRY_RESPONSE_TOO_LARGE: {
    errorType: 'Ferry.ResponseTooLarge',
    status: 502,
    summary: 'over 6 MB buffered (502 with a hint to stream) or over 200 MB streamed (error trailer)',
  },
  FERRY_OUT_OF_FILE_DESCRIPTORS: {
    errorType: 'Ferry.OutOfFileDescriptors',
    status: null,
    summary: 'Ferry had no file descriptor left (EMFILE/ENFILE) to reach the app: an invocation error, never read as the app being gone',
  },
  FERRY_INTERNAL: {
    errorType: 'Ferry.InternalError',
    status: null,
    summary: 'a fault inside Ferry: it costs that one invocation, never the sandbox',
  },
  FERRY_RUNTIME_API: {
    errorType: 'Ferry.RuntimeApiError',
    status: null,
    summary: 'the Runtime API answered 5xx, a reset, garbage or nothing in time: Ferry exits so Lambda replaces the sandbox',
  },
} as const satisfies Record<string, ErrorEntry>;

export type FerryErrorCode = keyof typeof ERRORS;

/** The codes Ferry can answer an HTTP event with (their entry has a status). */
export type HttpErrorCode = { [K in FerryErrorCode]: (typeof ERRORS)[K]['status'] extends number ? K : never }[FerryErrorCode];

export class FerryError extends Error {
  readonly code: FerryErrorCode;
  constructor(code: FerryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'FerryError';
  }

  /** The Lambda `errorType` for this error (`Category.Reason`). */
  get errorType(): string {
    return ERRORS[this.code].errorType;
  }
}

/** The catalogue code a thrown value carries, if any (what callers branch on). */
export function ferryCode(error: unknown): FerryErrorCode | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && Object.hasOwn(ERRORS, code) ? (code as FerryErrorCode) : undefined;
}

/**
 * The JSON document Lambda expects on `/error` and `/init/error`.
 *
 * @example
 * runtime.postError(invocation, ERRORS.FERRY_INTERNAL.errorType, errorDocument('FERRY_INTERNAL', 'what happened'));
 */
export function errorDocument(
  code: FerryErrorCode,
  errorMessage: string,
): {
  errorType: string;
  errorMessage: string;
  stackTrace: string[];
} {
  return { errorType: ERRORS[code].errorType, errorMessage, stackTrace: [] };
}

/** A short, human description of any thrown value, with its cause chain. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = error instanceof FerryError ? undefined : (error as { code?: unknown }).code;
  let text = typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  if (error.cause !== undefined && error.cause !== error) text += `: ${describeError(error.cause)}`;
  return text;
}
