// A plain node:http app that streams: nothing in it knows about Lambda. Behind Ferry with
// AWS_LWA_INVOKE_MODE=response_stream (Function URL or REST API), every write reaches the client
// as it happens; in buffered mode the same app still works, the client just gets it all at once.
import http from 'node:http';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/** Byte `i` of every download: a pattern a client can check without the server's help. */
export function downloadByte(i) {
  return (i * 31 + (i >>> 16)) & 0xff;
}

const CHUNK = 64 * 1024;

export function createApp() {
  return http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://app');

    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('streaming example: /events, /download?mib=N, /page\n');
    }

    // Server-sent events: one event every 250 ms, `count` of them.
    if (url.pathname === '/events') {
      const count = Number(url.searchParams.get('count') ?? 5);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (let n = 1; n <= count; n++) {
        res.write(`id: ${n}\ndata: ${JSON.stringify({ n, of: count })}\n\n`);
        console.log(`sse: sent event ${n}`);
        if (n < count) await sleep(250);
      }
      return res.end();
    }

    // A large download generated on the fly, written only as fast as the client takes it:
    // write() returning false means "wait for 'drain'" (back-pressure), so memory stays flat.
    if (url.pathname === '/download') {
      const size = Number(url.searchParams.get('mib') ?? 10) * 1024 * 1024;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size, 'content-disposition': 'attachment; filename="data.bin"' });
      for (let offset = 0; offset < size; offset += CHUNK) {
        const chunk = Buffer.alloc(Math.min(CHUNK, size - offset));
        for (let j = 0; j < chunk.length; j++) chunk[j] = downloadByte(offset + j);
        if (!res.write(chunk)) await once(res, 'drain');
      }
      return res.end();
    }

    // An HTML page flushed in two parts: a browser paints the first before the second exists.
    if (url.pathname === '/page') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.write('<!doctype html><html><head><title>Streamed page</title></head><body>\n');
      res.write('<h1 id="first">The first part, sent at once</h1>\n');
      // Some browsers wait for about 1 KB before they start rendering.
      res.write(`<!-- ${' '.repeat(2048)} -->\n`);
      console.log('page: first part sent');
      await sleep(Number(url.searchParams.get('pause') ?? 1000));
      res.write('<p id="second">The second part, a second later</p>\n</body></html>\n');
      console.log('page: second part sent');
      return res.end();
    }

    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
}
