import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LEASE_URL_HEADER, startLeaseServer, type LeaseServer } from '../../adapter/lease/index.ts';
import { waitUntil, waitUntilCurrent } from '../../adapter/wait-until/index.ts';
import { closeServer, listen, nextLeaseEnd, rawExchange, recordLeases, request, signal, startGate, viaPort } from './support.ts';

const soon = () => Date.now() + 10_000;

let leases: LeaseServer;
let app: http.Server;
let appUrl: string;
let handle: (req: IncomingMessage, res: ServerResponse) => void;
let order: string[];
let stopRecording: () => void;

beforeEach(async () => {
  leases = await startLeaseServer();
  handle = (_req, res) => res.end('no handler');
  app = http.createServer((req, res) => (req.url === '/ping' ? res.end('pong') : handle(req, res)));
  appUrl = `http://127.0.0.1:${await listen(app)}/`;
  order = [];
  stopRecording = recordLeases(order);
});

afterEach(async () => {
  stopRecording();
  vi.restoreAllMocks();
  await closeServer(app);
  await leases.close();
});

/** A helper module with its own once-only warnings. */
async function freshHelper() {
  vi.resetModules();
  return import('../../adapter/wait-until/index.ts');
}

function rawGet(leaseUrl: string | undefined): string {
  return `GET / HTTP/1.1\r\nHost: app\r\n${leaseUrl ? `${LEASE_URL_HEADER}: ${leaseUrl}\r\n` : ''}\r\n`;
}

describe('waitUntil in a node:http app', () => {
  it('holds the response back until Ferry has the lease: the begin arrives before any response byte', async () => {
    const gate = await startGate(leases.port);
    const { url } = leases.open('req-1');
    const work = signal();
    const handled = signal();
    handle = (req, res) => {
      waitUntil(req, work.promise);
      res.end('hello');
      handled.resolve();
    };

    const answer = rawExchange(Number(new URL(appUrl).port), rawGet(viaPort(url, gate.port)), () => order.push('client got a byte'));
    await Promise.all([gate.arrived, handled.promise]);
    // One more loopback round trip to the app after res.end(): unheld bytes would be at the client by now.
    await request(`${appUrl}ping`);
    order.push('gate opens');
    gate.open();

    expect(await answer).toMatch(/^HTTP\/1.1 200 OK[\s\S]*\r\n\r\nhello$/);
    expect(order).toEqual(['gate opens', 'lease begun', 'client got a byte']);
    work.resolve();
    expect(await leases.settle('req-1', soon())).toMatchObject({ leases: 1, cutOff: [] });
    await gate.close();
  });

  it('regression: a bare socket.cork() cannot hold a response, because ServerResponse.end() fully uncorks', async () => {
    let corkedAfterEnd = -1;
    handle = (req, res) => {
      req.socket.cork();
      res.end('hello');
      corkedAfterEnd = req.socket.writableCorked;
    };
    // The client gets the whole response although nobody ever called uncork().
    expect(await rawExchange(Number(new URL(appUrl).port), rawGet(undefined))).toMatch(/hello$/);
    expect(corkedAfterEnd).toBe(0);
  });

  it('holds a streamed response too, and lets it flow once the lease is taken', async () => {
    const { headers } = leases.open('req-1');
    const work = signal();
    handle = (req, res) => {
      waitUntil(req, work.promise);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      res.write('a');
      setImmediate(() => res.end('b'));
    };
    const reply = await request(appUrl, { headers });
    order.push('response received');
    work.resolve();
    await leases.settle('req-1', soon());
    expect(reply.body).toBe('ab');
    expect(order).toEqual(['lease begun', 'response received', 'lease ended']);
  });

  it('keeps the lease until work that finishes 300 ms after the response is done', async () => {
    const { headers } = leases.open('req-1');
    handle = (req, res) => {
      waitUntil(req, async () => {
        await sleep(300);
        order.push('work finished');
      });
      res.end('ok');
    };

    expect((await request(appUrl, { headers })).body).toBe('ok');
    order.push('response received');
    const report = await leases.settle('req-1', soon());
    order.push('settled');

    expect(order).toEqual(['lease begun', 'response received', 'work finished', 'lease ended', 'settled']);
    expect(report).toMatchObject({ leases: 1, cutOff: [] });
  });

  it('holds the sandbox for every waitUntil of a request until the last one ends', async () => {
    const { headers } = leases.open('req-1');
    const first = signal();
    const second = signal();
    handle = (req, res) => {
      waitUntil(req, first.promise);
      waitUntil(req, () => second.promise);
      res.end('ok');
    };
    await request(appUrl, { headers });
    const settled = leases.settle('req-1', soon()).then((report) => {
      order.push('settled');
      return report;
    });
    const firstEnded = nextLeaseEnd();
    first.resolve();
    await firstEnded;
    order.push('first done');
    second.resolve();
    expect(await settled).toMatchObject({ leases: 2, cutOff: [] });
    expect(order).toEqual(['lease begun', 'lease begun', 'lease ended', 'first done', 'lease ended', 'settled']);
  });

  it('leaves a keep-alive connection usable: the next request on it is answered normally', async () => {
    const client = new Client(appUrl.slice(0, -1));
    const works = [signal(), signal()];
    let served = 0;
    const sockets = new Set<import('node:net').Socket>();
    handle = (req, res) => {
      sockets.add(req.socket);
      waitUntil(req, works[served++].promise);
      res.end(`answer ${served}`);
    };
    try {
      for (const [at, requestId] of ['req-1', 'req-2'].entries()) {
        const { headers } = leases.open(requestId);
        const reply = await client.request({ method: 'GET', path: '/', headers });
        expect(await reply.body.text()).toBe(`answer ${at + 1}`);
        works[at].resolve();
        expect(await leases.settle(requestId, soon())).toMatchObject({ leases: 1, cutOff: [] });
      }
      // Both answers came over one connection, which is left uncorked with its own uncork again.
      expect(sockets.size).toBe(1);
      for (const socket of sockets) {
        expect(Object.hasOwn(socket, 'uncork')).toBe(false);
        expect(socket.writableCorked).toBe(0);
      }
    } finally {
      await client.close();
    }
  });

  it('logs a failed work once, still ends its lease, and leaves no unhandled rejection', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { headers } = leases.open('req-1');
    const mail = signal();
    handle = (req, res) => {
      waitUntil(req, async () => {
        await mail.promise;
        throw new Error('mail server down');
      });
      waitUntil(req, () => {
        throw new Error('thrown synchronously');
      });
      res.end('ok');
    };
    await request(appUrl, { headers });
    const settled = leases.settle('req-1', soon());
    mail.resolve();
    expect(await settled).toMatchObject({ cutOff: [] });
    await sleep(1);
    process.off('unhandledRejection', unhandled);

    expect(unhandled).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledTimes(2);
    expect(logged.mock.calls.map((call) => String(call[1])).sort()).toEqual(['Error: mail server down', 'Error: thrown synchronously']);
    expect(order).toContain('lease ended');
  });

  it('warns when Ferry cut the lease off at the deadline, and ends quietly when the work finishes later', async () => {
    const helper = await freshHelper();
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { headers } = leases.open('req-1');
    const work = signal();
    handle = (req, res) => {
      helper.waitUntil(req, work.promise);
      res.end('ok');
    };
    await request(appUrl, { headers });
    const warning = new Promise((resolve) => warned.mockImplementation(resolve));
    const report = await leases.settle('req-1', Date.now() + 20);
    expect(report.cutOff).toHaveLength(1);
    expect(String(await warning)).toMatch(/cut off at the invocation deadline/);
    work.resolve();
    await sleep(10);
    expect(warned).toHaveBeenCalledTimes(1);
  });

  it('outside Lambda (no lease header) still runs the work and warns once', async () => {
    const helper = await freshHelper();
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const ran: string[] = [];
    handle = (req, res) => {
      helper.waitUntil(req, async () => {
        ran.push(req.url ?? '');
      });
      res.end('ok');
    };
    await request(appUrl);
    await request(`${appUrl}again`);

    expect(ran).toEqual(['/', '/again']);
    expect(warned).toHaveBeenCalledTimes(1);
    expect(String(warned.mock.calls[0][0])).toMatch(/no x-ferry-lease-url header/);
    expect(order).toEqual([]);
  });

  it('answers without a lease, with one warning, when Ferry refuses it (the invocation already settled)', async () => {
    const helper = await freshHelper();
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { headers } = leases.open('req-1');
    await leases.settle('req-1', soon());
    const work = signal();
    handle = (req, res) => {
      helper.waitUntil(req, work.promise);
      res.end('ok');
    };
    expect((await request(appUrl, { headers })).body).toBe('ok');
    expect((await request(appUrl, { headers })).body).toBe('ok');
    work.resolve();
    expect(warned).toHaveBeenCalledTimes(1);
    expect(String(warned.mock.calls[0][0])).toMatch(/refused the lease \(HTTP 410\)/);
  });

  it('answers without a lease, with one warning, when the lease server cannot be reached', async () => {
    const helper = await freshHelper();
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { url } = leases.open('req-1');
    await leases.close();
    const work = signal();
    handle = (req, res) => {
      helper.waitUntil(req, work.promise);
      res.end('ok');
    };
    expect((await request(appUrl, { headers: { [LEASE_URL_HEADER]: url } })).body).toBe('ok');
    expect((await request(appUrl, { headers: { [LEASE_URL_HEADER]: url } })).body).toBe('ok');
    work.resolve();
    expect(warned).toHaveBeenCalledTimes(1);
    expect(String(warned.mock.calls[0][0])).toMatch(/could not take a lease/);
    leases = await startLeaseServer();
  });

  it('ignores a lease URL that does not point at loopback (a client cannot make the app call out)', async () => {
    const helper = await freshHelper();
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const calledOut = vi.fn();
    const elsewhere = http.createServer((_req, res) => {
      calledOut();
      res.end();
    });
    const port = await listen(elsewhere);
    handle = (req, res) => {
      helper.waitUntil(req, Promise.resolve());
      res.end('ok');
    };
    expect((await request(appUrl, { headers: { [LEASE_URL_HEADER]: `http://example.invalid:${port}/leases/x` } })).body).toBe('ok');
    expect((await request(appUrl, { headers: { [LEASE_URL_HEADER]: 'not a url' } })).body).toBe('ok');
    await closeServer(elsewhere);
    expect(calledOut).not.toHaveBeenCalled();
    expect(warned).toHaveBeenCalledTimes(1);
  });
});

describe('waitUntilCurrent in a bare node:http handler', () => {
  it('finds its request after the body was read and an await, and holds the lease until the work ends', async () => {
    const { headers } = leases.open('req-1');
    const work = signal();
    handle = async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      await sleep(1);
      waitUntilCurrent(work.promise);
      res.end(`got ${body}`);
    };
    expect((await request(appUrl, { method: 'POST', headers, body: 'order' })).body).toBe('got order');
    order.push('response received');
    const settled = leases.settle('req-1', soon()).then(() => order.push('settled'));
    order.push('work done');
    work.resolve();
    await settled;
    expect(order).toEqual(['lease begun', 'response received', 'work done', 'lease ended', 'settled']);
  });

  it('keeps concurrent requests apart: each lease lands in its own invocation', async () => {
    const a = leases.open('req-a');
    const b = leases.open('req-b');
    const bothArrived = { count: 0, all: signal() };
    const workA = signal();
    const workB = signal();
    handle = async (req, res) => {
      if (++bothArrived.count === 2) bothArrived.all.resolve();
      await bothArrived.all.promise;
      waitUntilCurrent(req.url === '/a' ? workA.promise : workB.promise);
      res.end('ok');
    };
    await Promise.all([request(`${appUrl}a`, { headers: a.headers }), request(`${appUrl}b`, { headers: b.headers })]);
    workB.resolve();
    expect(await leases.settle('req-b', soon())).toMatchObject({ leases: 1, cutOff: [] });
    // A's lease is still open: cut off at once by an expired deadline, so it was A's and only A's.
    expect((await leases.settle('req-a', Date.now() - 1)).cutOff).toHaveLength(1);
    workA.resolve();
  });

  it('outside any request it runs the work and warns once', async () => {
    const helper = await freshHelper();
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const ran = vi.fn(async () => undefined);
    helper.waitUntilCurrent(ran);
    helper.waitUntilCurrent(ran);
    expect(ran).toHaveBeenCalledTimes(2);
    expect(warned).toHaveBeenCalledTimes(1);
    expect(String(warned.mock.calls[0][0])).toMatch(/found no current request/);
  });
});
