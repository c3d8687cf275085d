/**
 * Ferry's error catalogue. Callers branch on `code`, never on `instanceof`.
 * Each code maps to the Lambda `errorType` Ferry reports, and every code is listed in the README
 * (a test keeps the two in step).
 */
export const ERROR_TYPES = {
  /** A FERRY_/AWS_LWA_ setting is missing or malformed. */
  FERRY_CONFIG: 'Ferry.ConfigError',
  /** The app never became ready during Init (or the readiness wait ran out of time). */
  FERRY_APP_NOT_READY: 'Ferry.AppNotReady',
  /** The app process exited or stopped accepting connections for good. */
  FERRY_APP_GONE: 'Ferry.AppGone',
  /** The event is not JSON, or is JSON of no shape Ferry knows how to answer. */
  FERRY_BAD_EVENT: 'Ferry.InvalidEvent',
  /** The app answered a pass-through event with a non-2xx status. */
  FERRY_PASS_THROUGH_FAILED: 'Ferry.PassThroughFailed',
  /** The app answered with a status listed in AWS_LWA_ERROR_STATUS_CODES. */
  FERRY_APP_ERROR_STATUS: 'Ferry.AppErrorStatus',
  /** The app did not answer before the invocation deadline minus FERRY_DEADLINE_MARGIN_MS. */
  FERRY_DEADLINE: 'Ferry.DeadlineExceeded',
  /** The app's connection failed (refused, reset) before or while it answered. */
  FERRY_APP_CONNECTION: 'Ferry.AppConnectionFailed',
  /** The app's answer is not valid HTTP (a status outside 200-599, a control byte in a header, headers over the limit). */
  FERRY_BAD_RESPONSE: 'Ferry.InvalidAppResponse',
  /** The response is larger than Lambda accepts for this invoke mode. */
  FERRY_RESPONSE_TOO_LARGE: 'Ferry.ResponseTooLarge',
  /** Ferry had no file descriptor left (EMFILE/ENFILE) to reach the app; never read as the app being gone. */
  FERRY_OUT_OF_FILES: 'Ferry.OutOfFileDescriptors',
  /** A fault inside Ferry itself; reported for the one invocation, never fatal. */
  FERRY_INTERNAL: 'Ferry.InternalError',
  /** The Runtime API answered something the contract does not allow. */
  FERRY_RUNTIME_API: 'Ferry.RuntimeApiError',
} as const;

export type FerryErrorCode = keyof typeof ERROR_TYPES;

export class FerryError extends Error {
  readonly code: FerryErrorCode;
  constructor(code: FerryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'FerryError';
  }

  /** The Lambda `errorType` for this error (`Category.Reason`). */
  get errorType(): string {
    return ERROR_TYPES[this.code];
  }
}

/** The JSON document Lambda expects on `/error` and `/init/error`. */
export function errorDocument(errorType: string, errorMessage: string): {
  errorType: string;
  errorMessage: string;
  stackTrace: string[];
} {
  return { errorType, errorMessage, stackTrace: [] };
}

/** A short, human description of any thrown value, with its cause chain. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = error instanceof FerryError ? undefined : (error as { code?: unknown }).code;
  let text = typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  if (error.cause !== undefined && error.cause !== error) text += `: ${describeError(error.cause)}`;
  return text;
}
