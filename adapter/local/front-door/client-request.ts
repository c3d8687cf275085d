/**
 * The client's request as it came over the wire: request line, header fields in order, and the
 * body, read up to the front end's limit (the rest is drained and counted, so the client gets
 * the 413 instead of a reset connection).
 */
import type { IncomingMessage } from 'node:http';
import type { ClientRequest } from './events/index.ts';

export type ReadRequest = { tooLarge: false; request: ClientRequest } | { tooLarge: true; bytes: number };

export async function readClientRequest(req: IncomingMessage, maxBodyBytes: number): Promise<ReadRequest> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes <= maxBodyBytes) chunks.push(chunk);
  }
  if (bytes > maxBodyBytes) return { tooLarge: true, bytes };

  const url = req.url ?? '/';
  const at = url.indexOf('?');
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  return {
    tooLarge: false,
    request: {
      method: req.method ?? 'GET',
      path: at === -1 ? url : url.slice(0, at),
      rawQuery: at === -1 ? '' : url.slice(at + 1),
      headers,
      body: bytes === 0 ? null : Buffer.concat(chunks, bytes),
    },
  };
}
