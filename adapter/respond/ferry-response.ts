/**
 * Responses Ferry writes itself when the app cannot answer (502, 504, 413-class): a short JSON
 * body naming the cause, so the client sees what went wrong and the app's logs are not blamed.
 */
import { ERROR_TYPES, type FerryErrorCode } from '../errors.ts';
import type { AppResponse } from '../events/index.ts';

export function ferryResponse(statusCode: number, code: FerryErrorCode, message: string): AppResponse {
  const body = Buffer.from(JSON.stringify({ message, errorType: ERROR_TYPES[code] }));
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'x-ferry-error': ERROR_TYPES[code] },
    body,
  };
}
