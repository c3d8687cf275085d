/**
 * Shared pieces of the lease tests: real servers on port 0, raw clients that record when bytes
 * arrive, a gate that holds lease traffic back, and a recorder of lease events.
 */
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import net from 'node:net';
import { LEASE_BEGIN_CHANNEL, LEASE_END_CHANNEL, type LeaseBeginMessage, type LeaseEndMessage } from '../../adapter/lease/index.ts';

export async function listen(server: Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

export async function closeServer(server: Server | net.Server): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on its own connection; resolves with the whole reply. */
export function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A begun held lease as its client sees it: the head at once, the body line when it ends. */
export interface HeldLease {
  status: number;
  id: string;
  headers: IncomingHttpHeaders;
  body: Promise<string>;
  drop(): void;
}

export function beginHeld(url: string): Promise<HeldLease> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      const body = new Promise<string>((done) => {
        res.on('end', () => done(text));
        res.on('close', () => done(text));
      });
      resolve({ status: res.statusCode ?? 0, id: String(res.headers['x-ferry-lease-id']), headers: res.headers, body, drop: () => req.destroy() });
    });
    req.on('error', (error) => reject(error));
    req.end();
  });
}

/** Raw bytes to a server; records when the first answer byte arrives. */
export function rawExchange(port: number, text: string | Buffer, onFirstByte: () => void = () => undefined): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', onFirstByte);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      // Responses in these tests are small and end with the connection or a Content-Length body.
      const head = answer.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(answer);
      if (head !== -1 && length && answer.length >= head + 4 + Number(length[1])) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
  });
}

/**
 * A TCP gate in front of a server: it accepts connections and holds every byte a client sends
 * until `open()`. `arrived` resolves when the first byte is waiting at the gate.
 */
export async function startGate(targetPort: number) {
  let isOpen = false;
  let noteArrival: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (noteArrival = resolve));
  const waiting: Array<() => void> = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const held: Buffer[] = [];
    client.on('data', (chunk) => {
      noteArrival();
      if (isOpen) upstream.write(chunk);
      else held.push(chunk);
    });
    waiting.push(() => {
      for (const chunk of held.splice(0)) upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  const port = await listen(server);
  return {
    port,
    arrived,
    open() {
      isOpen = true;
      for (const flush of waiting.splice(0)) flush();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}

/** Points a lease URL at another port (a gate) on the same loopback host. */
export function viaPort(url: string, port: number): string {
  const rewritten = new URL(url);
  rewritten.port = String(port);
  return rewritten.toString();
}

/** Lease events from the lease server's diagnostics channels, in order, as readable words. */
export function recordLeases(into: string[]) {
  const onBegin = (message: unknown) => into.push(`lease begun${(message as LeaseBeginMessage).held ? '' : ' (detached)'}`);
  const onEnd = (message: unknown) => into.push(`lease ${(message as LeaseEndMessage).reason}`);
  diagnostics.subscribe(LEASE_BEGIN_CHANNEL, onBegin);
  diagnostics.subscribe(LEASE_END_CHANNEL, onEnd);
  return () => {
    diagnostics.unsubscribe(LEASE_BEGIN_CHANNEL, onBegin);
    diagnostics.unsubscribe(LEASE_END_CHANNEL, onEnd);
  };
}

/** Resolves with the next lease-end event the lease server publishes. */
export function nextLeaseEnd(): Promise<LeaseEndMessage> {
  return new Promise((resolve) => {
    const onEnd = (message: unknown) => {
      diagnostics.unsubscribe(LEASE_END_CHANNEL, onEnd);
      resolve(message as LeaseEndMessage);
    };
    diagnostics.subscribe(LEASE_END_CHANNEL, onEnd);
  });
}

/** A promise you resolve from outside. */
export function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}
