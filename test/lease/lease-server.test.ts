import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEASE_ID_HEADER, LEASE_URL_HEADER, startLeaseServer, type LeaseServer } from '../../adapter/lease/index.ts';
import { beginHeld, nextLeaseEnd, rawExchange, recordLeases, request } from './support.ts';

const soon = () => Date.now() + 10_000;

let leases: LeaseServer;
let events: string[];
let stopRecording: () => void;

beforeEach(async () => {
  leases = await startLeaseServer();
  events = [];
  stopRecording = recordLeases(events);
});

afterEach(async () => {
  stopRecording();
  await leases.close();
});

describe('the lease server', () => {
  it('hands out a loopback lease URL per invocation in the x-ferry-lease-url header', () => {
    const a = leases.open('req-a');
    const b = leases.open('req-b');
    expect(LEASE_URL_HEADER).toBe('x-ferry-lease-url');
    expect(a.headers).toEqual({ [LEASE_URL_HEADER]: a.url });
    expect(a.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${leases.port}/leases/[A-Za-z0-9_-]{24,}$`));
    expect(b.url).not.toBe(a.url);
    expect(leases.open('req-a').url).toBe(a.url);
  });

  it('listens on 127.0.0.1 alone: the same port on another loopback address (127.0.0.2) refuses', async () => {
    const connect = (host: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect({ host, port: leases.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
    expect(await connect('127.0.0.1')).toBe('connected');
    expect(await connect('127.0.0.2')).toBe('ECONNREFUSED');
  });

  it('answers a begin at once with the lease id and holds the body open until DELETE ends the lease', async () => {
    const { url } = leases.open('req-1');
    const held = await beginHeld(url);
    expect(held.status).toBe(200);
    expect(held.headers['content-type']).toBe('text/plain');
    expect(held.headers[LEASE_ID_HEADER]).toBe(held.id);

    const settled = leases.settle('req-1', soon()).then((report) => {
      events.push('settled');
      return report;
    });
    const ended = await request(`${url}/${held.id}`, { method: 'DELETE' });
    expect(ended.status).toBe(204);
    expect(await held.body).toBe('ended\n');
    const report = await settled;

    expect(events).toEqual(['lease begun', 'lease ended', 'settled']);
    expect(report).toMatchObject({ leases: 1, cutOff: [] });
  });

  it('ends a held lease when its client drops the connection, so a crashed app cannot hold the sandbox', async () => {
    const { url } = leases.open('req-1');
    const held = await beginHeld(url);
    const settled = leases.settle('req-1', soon()).then((report) => {
      events.push('settled');
      return report;
    });
    held.drop();

    expect(await settled).toMatchObject({ leases: 1, cutOff: [] });
    expect(events).toEqual(['lease begun', 'lease dropped', 'settled']);
  });

  it('gives a detached begin (hold=0) a 201 with its id, and keeps the lease after that connection closed until DELETE', async () => {
    const { url } = leases.open('req-1');
    const begun = await request(`${url}?hold=0`, { method: 'POST' });
    expect(begun.status).toBe(201);
    const { id } = JSON.parse(begun.body) as { id: string };
    expect(begun.headers[LEASE_ID_HEADER]).toBe(id);

    const settled = leases.settle('req-1', soon()).then((report) => {
      events.push('settled');
      return report;
    });
    // A full round trip to the server after the begin's connection closed: the lease is still there.
    expect((await request(`${url}/not-a-lease`, { method: 'DELETE' })).status).toBe(404);
    events.push('still waiting');
    expect((await request(`${url}/${id}`, { method: 'DELETE' })).status).toBe(204);

    expect(await settled).toMatchObject({ leases: 1, cutOff: [] });
    expect(events).toEqual(['lease begun (detached)', 'still waiting', 'lease ended', 'settled']);
  });

  it('cuts off leases still open at the deadline, tells the holder, and reports their ages', async () => {
    const { url } = leases.open('req-1');
    const held = await beginHeld(url);
    const detached = JSON.parse((await request(`${url}?hold=0`, { method: 'POST' })).body) as { id: string };

    const report = await leases.settle('req-1', Date.now() + 50);

    expect(await held.body).toBe('cut-off\n');
    expect(report.leases).toBe(2);
    expect(report.cutOff.map((lease) => lease.id).sort()).toEqual([held.id, detached.id].sort());
    // Both began before settle started waiting, so each is at least as old as the wait.
    for (const lease of report.cutOff) expect(lease.ageMs).toBeGreaterThanOrEqual(report.waitedMs);
    expect(events.slice(-2)).toEqual(['lease cut-off', 'lease cut-off']);
  });

  it('cuts off at once when the deadline has already passed', async () => {
    const { url } = leases.open('req-1');
    const held = await beginHeld(url);
    const report = await leases.settle('req-1', Date.now() - 1);
    expect(report).toMatchObject({ leases: 1, waitedMs: 0, cutOff: [{ id: held.id }] });
    expect(await held.body).toBe('cut-off\n');
  });

  it('refuses begins and ends with 410 once the invocation has settled', async () => {
    const { url } = leases.open('req-1');
    await leases.settle('req-1', soon());

    const begin = await request(url, { method: 'POST' });
    expect(begin.status).toBe(410);
    expect(begin.headers['content-type']).toBe('application/json');
    expect(JSON.parse(begin.body).message).toMatch(/before sending the response/);
    expect((await request(`${url}/some-id`, { method: 'DELETE' })).status).toBe(410);
    expect((await request(`${url}?hold=0`, { method: 'POST' })).status).toBe(410);
  });

  it('keeps two concurrent invocations apart: a lease of one never holds back or ends by the other', async () => {
    const a = leases.open('req-a');
    const b = leases.open('req-b');
    const heldByA = await beginHeld(a.url);

    // B settles at once although A holds a lease.
    expect(await leases.settle('req-b', soon())).toEqual({ leases: 0, waitedMs: 0, cutOff: [] });
    // A's lease id means nothing under B's token (settled: 410) or under a fresh scope (404).
    expect((await request(`${b.url}/${heldByA.id}`, { method: 'DELETE' })).status).toBe(410);
    const c = leases.open('req-c');
    expect((await request(`${c.url}/${heldByA.id}`, { method: 'DELETE' })).status).toBe(404);

    const settledA = leases.settle('req-a', soon());
    expect((await request(`${a.url}/${heldByA.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await settledA).toMatchObject({ leases: 1, cutOff: [] });
    expect(events).toEqual(['lease begun', 'lease ended']);
  });

  it('settles an empty scope before any timer or I/O callback can run, in microseconds', async () => {
    let turned = false;
    setImmediate(() => (turned = true));
    leases.open('req-1');
    expect(await leases.settle('req-1', soon())).toEqual({ leases: 0, waitedMs: 0, cutOff: [] });
    expect(await leases.settle('never-opened', soon())).toEqual({ leases: 0, waitedMs: 0, cutOff: [] });
    expect(turned).toBe(false);

    const rounds = 2_000;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) {
      leases.open(`hot-${i}`);
      await leases.settle(`hot-${i}`, soon());
    }
    const microsEach = ((performance.now() - started) * 1_000) / rounds;
    // open + settle together; typically a few microseconds. The bound only catches a timer sneaking in.
    expect(microsEach).toBeLessThan(250);
  });

  it('waits for a lease begun while settling, as work that starts more work does', async () => {
    const { url } = leases.open('req-1');
    const first = await beginHeld(url);
    const settled = leases.settle('req-1', soon()).then((report) => {
      events.push('settled');
      return report;
    });
    const second = await beginHeld(url);
    const firstOver = nextLeaseEnd();
    first.drop();
    await firstOver;
    events.push('first over');
    second.drop();
    expect(await settled).toMatchObject({ leases: 2, cutOff: [] });
    expect(events).toEqual(['lease begun', 'lease begun', 'lease dropped', 'first over', 'lease dropped', 'settled']);
  });

  it('drains an invocation whose app never called its lease URL to nothing; that URL then refuses with 410', async () => {
    const unused = leases.open('req-unused');
    expect(leases.open('req-unused').url).toBe(unused.url);
    const used = leases.open('req-used');
    expect(used.url).not.toBe(unused.url);
    const held = await beginHeld(used.url);

    const report = await leases.drain(Date.now() + 50);
    expect(report).toMatchObject({ leases: 1, cutOff: [{ id: held.id }] });
    expect((await request(unused.url, { method: 'POST' })).status).toBe(410);
    // Its request id opens a fresh URL now: the old one is gone with the invocation.
    expect(leases.open('req-unused').url).not.toBe(unused.url);
  });

  it('drains every scope at SHUTDOWN, cutting off what is still open at the deadline', async () => {
    const a = leases.open('req-a');
    const b = leases.open('req-b');
    const heldA = await beginHeld(a.url);
    const heldB = await beginHeld(b.url);
    const dropped = beginHeld(b.url);
    (await dropped).drop();

    const report = await leases.drain(Date.now() + 50);
    expect(report.leases).toBe(3);
    expect(report.cutOff.map((lease) => lease.id).sort()).toEqual([heldA.id, heldB.id].sort());
    expect(await heldA.body).toBe('cut-off\n');
    expect((await request(a.url, { method: 'POST' })).status).toBe(410);
    expect(await leases.drain(Date.now())).toEqual({ leases: 0, waitedMs: 0, cutOff: [] });
  });

  it('answers bad input with 4xx and keeps serving', async () => {
    const { url } = leases.open('req-1');
    const path = new URL(url).pathname;
    const cases: Array<[string, number]> = [
      ['GET / HTTP/1.1', 404],
      ['POST /leases HTTP/1.1', 404],
      ['POST /leases/ HTTP/1.1', 404],
      ['POST /leases//x HTTP/1.1', 404],
      [`POST ${path}/a/b HTTP/1.1`, 404],
      ['POST /other/thing HTTP/1.1', 404],
      [`GET ${path} HTTP/1.1`, 405],
      [`PUT ${path}/x HTTP/1.1`, 405],
      [`POST ${path}?hold=maybe HTTP/1.1`, 400],
      ['POST /leases/__proto__ HTTP/1.1', 410],
      ['POST /leases/%00%zz HTTP/1.1', 410],
      [`DELETE ${path}/unknown-id HTTP/1.1`, 404],
      [`DELETE ${path}/constructor HTTP/1.1`, 404],
    ];
    for (const [line, status] of cases) {
      const answer = await rawExchange(leases.port, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(answer.slice(0, 12), line).toBe(`HTTP/1.1 ${status}`);
    }
    const methodAnswer = await rawExchange(leases.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(methodAnswer).toMatch(/allow: POST/i);

    // Not HTTP at all, a header block that never ends, a body on a begin, a reset mid-request.
    expect(await rawExchange(leases.port, 'hello\r\n\r\n')).toMatch(/^HTTP\/1.1 400/);
    expect(await rawExchange(leases.port, `POST ${path} HTTP/1.1\r\nHost: x\r\nX: ${'y'.repeat(80_000)}`)).toMatch(/^HTTP\/1.1 431/);
    const withBody = await new Promise<number | undefined>((resolve) => {
      const req = http.request(url, { method: 'POST', agent: false }, (res) => {
        resolve(res.statusCode);
        req.destroy();
      });
      req.on('error', () => undefined);
      req.end('{"not":"needed"}');
    });
    expect(withBody).toBe(200);
    await new Promise<void>((resolve) => {
      const socket = net.connect(leases.port, '127.0.0.1', () => {
        socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort`);
        socket.resetAndDestroy();
        resolve();
      });
    });

    const held = await beginHeld(url);
    expect(held.status).toBe(200);
    held.drop();
  });

  it('does not keep the process alive on its own, not even through a held lease', async () => {
    const before = countTcp();
    const other = await startLeaseServer();
    const { url } = other.open('req-1');
    const held = await beginHeld(url);
    // The listening socket and the held connection's server side add nothing that keeps Node running.
    expect(countTcp()).toBe(before);
    held.drop();
    await other.settle('req-1', soon());
    await other.close();
  });

  it('closes with connections still open: an idle keep-alive one and one mid-request', async () => {
    const other = await startLeaseServer();
    const idle = net.connect(other.port, '127.0.0.1');
    idle.write('GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => idle.once('data', resolve));
    // Half a request head: node:http's server has the connection but no request yet.
    const partial = net.connect(other.port, '127.0.0.1');
    partial.write('GET /leases/x HTTP/1.1\r\n');
    await new Promise((resolve) => partial.once('connect', resolve));
    // The server cuts both: a connection it destroys may reach the client as a reset.
    for (const socket of [idle, partial]) socket.on('error', () => undefined);
    const ended = Promise.all([idle, partial].map((socket) => new Promise((resolve) => socket.once('close', resolve))));
    // Resolves only once both connections were cut (a server close waits for its connections).
    await other.close();
    await ended;
  });
});

function countTcp(): number {
  return process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP')).length;
}
