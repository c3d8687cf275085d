/**
 * Ferry's HTTP/1.1 client (adapter/http1/) as the app client uses it (adapter/proxy/app-client.ts),
 * against real node:http servers and raw sockets over loopback: the 1 MiB reads, keep-alive,
 * back-pressure, every framing, the pool's idle rules and the stale-socket retry.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResponseBody } from '../../adapter/http1/connection.ts';
import { giveBack } from '../../adapter/http1/read-buffers.ts';
import { createAppClient } from '../../adapter/proxy/app-client.ts';
import { BLOCK_SIZE, patternBlock } from '../fixtures/pattern.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function serve(handler: http.RequestListener): Promise<{ origin: string; server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Ferry's app client for `origin`, with undici's request shape the tests were written in. */
function pool(origin: string, idleTimeoutMs?: number) {
  const { hostname, port } = new URL(origin);
  const client = createAppClient(hostname, Number(port), { idleTimeoutMs });
  cleanup.push(() => client.close());
  return {
    async request(options: { method: string; path: string; headers?: Record<string, string>; body?: Buffer; signal?: AbortSignal }) {
      const head = await client.send(
        { method: options.method, target: options.path, headers: options.headers ?? {}, body: options.body ?? null },
        options.signal ?? new AbortController().signal,
      );
      return { ...head, body: head.body as ResponseBody };
    },
  };
}

async function json(body: AsyncIterable<Buffer>): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** `bytes` of the project's test pattern (numbered 64 KiB blocks, so lost or reordered data shows). */
function pattern(bytes: number): Buffer {
  const blocks = Array.from({ length: Math.ceil(bytes / BLOCK_SIZE) }, (_, i) => patternBlock(i));
  return Buffer.concat(blocks).subarray(0, bytes);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function readAll(body: AsyncIterable<Buffer>): Promise<{ sha: string; bytes: number; pieces: number[] }> {
  const hash = createHash('sha256');
  const pieces: number[] = [];
  for await (const chunk of body) {
    hash.update(chunk);
    pieces.push(chunk.length);
  }
  return { sha: hash.digest('hex'), bytes: pieces.reduce((a, b) => a + b, 0), pieces };
}

describe('wide reads from the app', () => {
  it('delivers a large body hash-identical in pieces bigger than the 64 KiB a plain socket reads', async () => {
    const body = pattern(8 * MiB);
    const { origin } = await serve((_req, res) => res.writeHead(200, { 'content-length': body.length }).end(body));

    const read = await readAll((await pool(origin).request({ method: 'GET', path: '/' })).body);

    expect(read.sha).toBe(sha256(body));
    expect(Math.max(...read.pieces)).toBeGreaterThan(64 * KiB);
    expect(Math.max(...read.pieces)).toBeLessThanOrEqual(MiB);
  });

  it('keeps chunked bodies, trailers and keep-alive working: three requests on one connection', async () => {
    const body = pattern(3 * MiB + 17);
    const connections = new Set<unknown>();
    const { origin } = await serve((req, res) => {
      connections.add(req.socket);
      res.writeHead(200, { trailer: 'x-sum' });
      for (let at = 0; at < body.length; at += 100 * KiB) res.write(body.subarray(at, at + 100 * KiB));
      res.addTrailers({ 'x-sum': sha256(body) });
      res.end();
    });
    // Sequential requests on a keep-alive agent: a second connection means the first one was lost.
    const client = pool(origin);
    for (let i = 0; i < 3; i++) {
      const res = await client.request({ method: 'GET', path: `/${i}` });
      expect(res.headers['transfer-encoding']).toBe('chunked');
      const read = await readAll(res.body);
      expect(read.sha).toBe(sha256(body));
      expect(res.body.trailers['x-sum']).toBe(sha256(body));
    }
    expect(connections.size).toBe(1);
  });

  it('sends request bodies through', async () => {
    const { origin } = await serve(async (req, res) => {
      const read = await readAll(req);
      res.end(JSON.stringify(read));
    });
    const upload = pattern(2 * MiB + 5);
    const res = await pool(origin).request({ method: 'POST', path: '/', body: upload });
    expect(((await json(res.body)) as { sha: string }).sha).toBe(sha256(upload));
  });

  it('writes the request head byte for byte: a latin1 header value arrives as sent', async () => {
    const { origin } = await serve((req, res) => res.end(JSON.stringify(req.headers['x-name'])));
    const res = await pool(origin).request({ method: 'GET', path: '/', headers: { 'x-name': 'caf\u00e9 \u00fcber' } });
    expect(await json(res.body)).toBe('caf\u00e9 \u00fcber');
  });

  it('stops reading while the body is not consumed, so a fast app is held back', async () => {
    let written = 0;
    const { origin } = await serve((_req, res) => {
      const piece = pattern(64 * KiB);
      res.writeHead(200, { 'content-length': 64 * MiB });
      const pump = () => {
        while (written < 64 * MiB) {
          written += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const res = await pool(origin).request({ method: 'GET', path: '/' });
    await sleep(300);
    // Kernel buffers on both sides, the 1 MiB read and the response's buffer: a few MiB, not 64.
    expect(written).toBeLessThan(24 * MiB);
    expect((await readAll(res.body)).bytes).toBe(64 * MiB);
  });

  it('keeps what it read when the app closes the connection right after the body, however slow the reader', async () => {
    const body = pattern(4 * MiB);
    const { origin } = await serve((_req, res) => res.writeHead(200, { 'content-length': body.length, connection: 'close' }).end(body));
    const res = await pool(origin).request({ method: 'GET', path: '/' });
    const hash = createHash('sha256');
    for await (const chunk of res.body) {
      hash.update(chunk);
      await sleep(5); // slow: the app's close arrives while read bytes still wait here
    }
    expect(hash.digest('hex')).toBe(sha256(body));
  });

  it('reads a body that ends with the connection (no length, not chunked)', async () => {
    const body = pattern(3 * MiB);
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n'), body])));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    const res = await pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).request({ method: 'GET', path: '/' });
    expect((await readAll(res.body)).sha).toBe(sha256(body));
  });

  it('ends a body framed by the close at a reset too, as node:http does (a server refusing a request it will not read)', async () => {
    // Node's own answer to a request line it cannot parse: 400, Connection: close, no length. The
    // request body it never read makes the kernel send a RST instead of a FIN.
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => {
      sockets.push(socket);
      socket.once('data', () => socket.write('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    const res = await pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).request({ method: 'POST', path: '/', body: pattern(300 * KiB) });
    expect(res.statusCode).toBe(400);
    sockets[0]!.resetAndDestroy();
    expect((await readAll(res.body)).bytes).toBe(0);
  });

  it('surfaces a connection refused as ECONNREFUSED, and a reset mid-body as an error of the body', async () => {
    const { origin, server } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 10 * MiB });
      res.write(pattern(MiB), () => res.socket?.resetAndDestroy());
    });
    const res = await pool(origin).request({ method: 'GET', path: '/' });
    await expect(readAll(res.body)).rejects.toThrow();

    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await expect(pool(`http://127.0.0.1:${port}`).request({ method: 'GET', path: '/' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

/** A raw TCP server: `onRequest(socket, n)` for the n-th request head (from 0) on each connection. */
async function rawServer(onRequest: (socket: net.Socket, n: number, head: string) => void): Promise<{ origin: string; connections: net.Socket[] }> {
  const connections: net.Socket[] = [];
  const server = net.createServer((socket) => {
    connections.push(socket);
    socket.on('error', () => undefined);
    let pending = '';
    let n = 0;
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        onRequest(socket, n++, head);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(async () => {
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections };
}

const closed = (socket: net.Socket) => socket.destroyed || socket.readableEnded;
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

describe('the connection pool', () => {
  it('reuses one connection for sequential requests, and answers HEAD without waiting for a body', async () => {
    const { origin, connections } = await rawServer((socket, _n, head) =>
      socket.write(head.startsWith('HEAD') ? 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n' : OK),
    );
    const client = pool(origin);
    for (const method of ['GET', 'HEAD', 'GET']) {
      const res = await client.request({ method, path: '/' });
      expect((await readAll(res.body)).bytes).toBe(method === 'HEAD' ? 0 : 2);
    }
    expect(connections).toHaveLength(1);
  });

  it('with an idle timeout of 0 opens a connection per request and asks the app to close it', async () => {
    const heads: string[] = [];
    const { origin, connections } = await rawServer((socket, _n, head) => {
      heads.push(head);
      socket.write(OK);
    });
    const client = pool(origin, 0);
    for (let i = 0; i < 3; i++) await readAll((await client.request({ method: 'GET', path: '/' })).body);
    expect(connections).toHaveLength(3);
    expect(heads.every((head) => /\r\nConnection: close(\r\n|$)/.test(head))).toBe(true);
    await until(() => connections.every(closed));
  });

  it('does not reuse a connection idle for longer than the idle timeout (by the wall clock, as after a freeze)', async () => {
    const { origin, connections } = await rawServer((socket) => socket.write(OK));
    const client = pool(origin, 50);
    await readAll((await client.request({ method: 'GET', path: '/' })).body);
    await sleep(120);
    await readAll((await client.request({ method: 'GET', path: '/' })).body);
    expect(connections).toHaveLength(2);
    await until(() => closed(connections[0]!));
  });

  it('takes the most recently released connection first (LIFO)', async () => {
    const seen: net.Socket[] = [];
    let first: net.Socket | undefined;
    const { origin } = await rawServer((socket, _n, head) => {
      seen.push(socket);
      // The first request waits until the second one was answered, so it is released last.
      if (head.includes('/slow')) first = socket;
      else {
        socket.write(OK);
        setTimeout(() => first?.write(OK), 20);
      }
    });
    const client = pool(origin);
    const slow = client.request({ method: 'GET', path: '/slow' });
    await until(() => first !== undefined);
    await readAll((await client.request({ method: 'GET', path: '/fast' })).body);
    await readAll((await slow).body);
    await readAll((await client.request({ method: 'GET', path: '/next' })).body);
    expect(seen).toHaveLength(3);
    expect(seen[2]).toBe(seen[0]);
  });

  it('retries once on a new connection when a reused one dies before answering, and not when an answer had begun', async () => {
    const { origin, connections } = await rawServer((socket, n, head) => {
      if (n === 0) return void socket.write(OK);
      if (head.includes('/partial')) return void socket.write('HTTP/1.1 200 OK\r\nContent-', () => socket.resetAndDestroy());
      socket.resetAndDestroy(); // the second request on a connection: as if the app's keep-alive timer had just closed it
    });
    const client = pool(origin);
    await readAll((await client.request({ method: 'GET', path: '/a' })).body);
    const res = await client.request({ method: 'GET', path: '/b' });
    expect((await readAll(res.body)).bytes).toBe(2);
    expect(connections).toHaveLength(2);

    await expect(client.request({ method: 'GET', path: '/partial' })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(connections).toHaveLength(2);
  });

  it('closes the connection of a malformed answer, of an abandoned body and of an aborted request', async () => {
    const { origin, connections } = await rawServer((socket, _n, head) => {
      if (head.includes('/garbage')) socket.write('this is not HTTP\r\n\r\n');
      else if (head.includes('/long')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome');
      // /silent: never answers
    });
    const client = pool(origin);
    await expect(client.request({ method: 'GET', path: '/garbage' })).rejects.toMatchObject({ name: 'HTTPParserError', code: 'HPE_INVALID_CONSTANT' });
    const long = await client.request({ method: 'GET', path: '/long' });
    long.body.destroy();
    const abort = new AbortController();
    const silent = client.request({ method: 'GET', path: '/silent', signal: abort.signal });
    await until(() => connections.length === 3);
    abort.abort();
    await expect(silent).rejects.toMatchObject({ name: 'AbortError' });
    await until(() => connections.every(closed));
  });
});

/** Wait for `condition`, checking every 5 ms (bounded by the test's timeout). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}

describe('borrowed bodies (no copy for the streamed relay)', () => {
  async function borrowedBody(bytes: number) {
    const body = pattern(bytes);
    const { origin } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      // In pieces, so the client reads many times.
      let at = 0;
      const pump = () => {
        while (at < body.length) {
          const piece = body.subarray(at, at + 256 * KiB);
          at += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const res = await pool(origin).request({ method: 'GET', path: '/' });
    res.body.borrowing = true;
    return { body, res };
  }

  it('lends views that nothing overwrites while they are out', async () => {
    const { body, res } = await borrowedBody(16 * MiB);
    const held: Buffer[] = [];
    for await (const chunk of res.body) held.push(chunk);
    // Nothing given back: had a read buffer been reused, earlier chunks would hold later bytes.
    expect(sha256(Buffer.concat(held))).toBe(sha256(body));
    expect(new Set(held.map((chunk) => chunk.buffer)).size).toBeGreaterThan(2);
  });

  it('reads into the same few buffers once the chunks are given back', async () => {
    const { body, res } = await borrowedBody(32 * MiB);
    const hash = createHash('sha256');
    const buffers = new Set<ArrayBufferLike>();
    for await (const chunk of res.body) {
      hash.update(chunk);
      buffers.add(chunk.buffer);
      giveBack(chunk);
    }
    expect(hash.digest('hex')).toBe(sha256(body));
    // 32 MiB arrived in far more reads than there are buffers: they were reused.
    expect(buffers.size).toBeLessThanOrEqual(6);
  });
});
