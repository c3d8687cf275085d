/**
 * Responses Ferry writes itself when the app cannot answer (502, 504, 413-class): a short JSON
 * body naming the cause, so the client sees what went wrong and the app's logs are not blamed.
 * The status is the catalogue's for that error (adapter/errors.ts).
 */
import { ERRORS, type HttpErrorCode } from '../errors.ts';
import type { AppResponse } from '../events/index.ts';

export function ferryResponse(code: HttpErrorCode, message: string): AppResponse {
  const { errorType, status } = ERRORS[code];
  const body = Buffer.from(JSON.stringify({ message, errorType }));
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'x-ferry-error': errorType },
    body,
  };
}
