/** The lease server's small answers. None may throw: the peer can be gone at any moment. */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

export function replyJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  try {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
    res.end(text);
  } catch {
    res.destroy();
  }
}

export function replyMessage(res: ServerResponse, status: number, message: string, headers: OutgoingHttpHeaders = {}): void {
  replyJson(res, status, { message }, headers);
}

export function replyEmpty(res: ServerResponse, status: number): void {
  try {
    res.writeHead(status, { 'cache-control': 'no-store' });
    res.end();
  } catch {
    res.destroy();
  }
}
