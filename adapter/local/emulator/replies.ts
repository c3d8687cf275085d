import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventLog } from './event-log.ts';

/** Write a JSON answer; a no-op when the connection is already gone. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(bytes.length), ...headers });
  res.end(bytes);
}

/** 202 `{"status":"OK"}`, the Runtime API's "accepted". */
export function sendAccepted(res: ServerResponse): void {
  sendJson(res, 202, { status: 'OK' });
}

export interface Rejection {
  status: number;
  errorType: string;
  message: string;
  /** Extra fields for the `rejected` event (requestId, extension name, …). */
  details?: Record<string, unknown>;
}

/**
 * Answer a 4xx with the platform's error document `{errorMessage, errorType}` and record a
 * `rejected` event: tests assert the adapter never triggers one, so every 4xx goes through here.
 */
export function reject(log: EventLog, req: IncomingMessage, res: ServerResponse, rejection: Rejection, headers?: Record<string, string>): void {
  const { status, errorType, message, details } = rejection;
  log.record('rejected', {
    method: req.method,
    path: req.url,
    status,
    errorType,
    reason: message,
    ...details,
  });
  sendJson(res, status, { errorMessage: message, errorType }, headers);
}
