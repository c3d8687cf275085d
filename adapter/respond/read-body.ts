import type { Readable } from 'node:stream';

/**
 * Read a body into memory up to `limit` bytes. Past the limit the stream is destroyed (the app
 * socket is not reused) and `tooLarge` is set; Ferry never holds more than `limit` bytes.
 * 'data' events rather than `for await`: the async iterator costs a promise per chunk and copies
 * chunks that piled up into one, on every invocation's hot path.
 */
export function readBody(body: Readable, limit: number): Promise<{ body: Buffer; tooLarge: boolean; bytesSeen: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      body.off('data', onData);
      body.off('error', reject);
      body.on('error', () => undefined); // destroying may emit an abort error nobody needs
      body.destroy();
      resolve({ body: Buffer.alloc(0), tooLarge: true, bytesSeen: size });
    };
    body.on('data', onData);
    body.once('error', reject);
    body.once('end', () => resolve({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), tooLarge: false, bytesSeen: size }));
  });
}
