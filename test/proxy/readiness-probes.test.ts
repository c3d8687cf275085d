/**
 * The readiness probes against real sockets: for the HTTP protocol, a bare connect until something
 * accepts, then HTTP (adapter/proxy/readiness.ts: why), with the answers read as before.
 */
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseStatusRanges } from '../../adapter/config/reader.ts';
import type { Logger } from '../../adapter/log.ts';
import { waitForApp } from '../../adapter/proxy/readiness.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const servers: net.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A raw HTTP server that records what each connection sent, answering `status` to every request. */
async function rawServer(status: number): Promise<{ port: number; connections: string[] }> {
  const connections: string[] = [];
  const server = net.createServer((socket) => {
    const index = connections.push('') - 1;
    socket.on('data', (chunk) => {
      connections[index] += chunk.toString('latin1');
      if (connections[index]!.includes('\r\n\r\n')) socket.write(`HTTP/1.1 ${status} X\r\ncontent-length: 0\r\n\r\n`);
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as net.AddressInfo).port, connections };
}

function config(port: number, protocol: 'http' | 'tcp' = 'http') {
  return {
    host: '127.0.0.1',
    readinessPort: port,
    readinessPath: '/health',
    readinessProtocol: protocol,
    healthyStatus: parseStatusRanges('100-499'),
    probeTimeoutMs: 2_000,
  };
}

describe('readiness probes (HTTP protocol)', () => {
  it('connects bare first, then sends the HTTP probe on a connection of its own, all within one probe', async () => {
    const app = await rawServer(200);
    const result = await waitForApp(config(app.port), Date.now() + 5_000, quiet);
    expect(result).toMatchObject({ ready: true, probes: 1, lastFailure: undefined });
    // The bare connect sent nothing; the HTTP probe followed.
    expect(app.connections.length).toBe(2);
    expect(app.connections[0]).toBe('');
    expect(app.connections[1]).toMatch(/^GET \/health HTTP\/1\.1\r\n/);
  });

  it('still judges readiness by the HTTP status once the app accepts: an unhealthy status keeps it waiting', async () => {
    const app = await rawServer(503);
    const result = await waitForApp(config(app.port), Date.now() + 300, quiet);
    expect(result.ready).toBe(false);
    expect(result.lastFailure).toBe('HTTP 503 is not a healthy status');
    // Every probe after the first connect was HTTP: one bare connection, then the HTTP ones.
    expect(app.connections[0]).toBe('');
    expect(app.connections.slice(1).every((sent) => sent.startsWith('GET /health '))).toBe(true);
  });

  it('reports a refused connection as the reason while nothing listens', async () => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const result = await waitForApp(config(port), Date.now() + 100, quiet);
    expect(result.ready).toBe(false);
    expect(result.probes).toBeGreaterThan(1);
    expect(result.lastFailure).toMatch(/ECONNREFUSED/);
  });
});
