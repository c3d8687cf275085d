import type { Readable } from 'node:stream';

/**
 * Read a body into memory up to `limit` bytes. Past the limit the stream is destroyed (the app
 * socket is not reused) and `tooLarge` is set; Ferry never holds more than `limit` bytes.
 */
export async function readBody(body: Readable, limit: number): Promise<{ body: Buffer; tooLarge: boolean; bytesSeen: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      return { body: Buffer.alloc(0), tooLarge: true, bytesSeen: size };
    }
    chunks.push(chunk as Buffer);
  }
  return { body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), tooLarge: false, bytesSeen: size };
}
