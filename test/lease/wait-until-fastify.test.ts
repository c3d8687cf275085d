import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEASE_URL_HEADER, startLeaseServer, type LeaseServer } from '../../adapter/lease/index.ts';
import { waitUntil, waitUntilCurrent } from '../../adapter/wait-until/index.ts';
import { rawExchange, recordLeases, request, signal, startGate, viaPort } from './support.ts';

const soon = () => Date.now() + 10_000;

let leases: LeaseServer;
let app: FastifyInstance;
let port: number;
let work: ReturnType<typeof signal<void>>;
let order: string[];
let stopRecording: () => void;

beforeEach(async () => {
  leases = await startLeaseServer();
  work = signal();
  order = [];
  stopRecording = recordLeases(order);
  app = Fastify();
  app.get('/current', async () => {
    waitUntilCurrent(work.promise);
    return 'ok';
  });
  app.post('/explicit', async (req, reply) => {
    waitUntil(req, work.promise);
    await reply.code(201).send({ received: req.body });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});

afterEach(async () => {
  stopRecording();
  await app.close();
  await leases.close();
});

describe('waitUntil in a Fastify app', () => {
  it('holds reply.send() back until Ferry has the lease', async () => {
    const gate = await startGate(leases.port);
    const { url } = leases.open('req-1');
    const answer = rawExchange(port, `GET /current HTTP/1.1\r\nHost: app\r\n${LEASE_URL_HEADER}: ${viaPort(url, gate.port)}\r\n\r\n`, () =>
      order.push('client got a byte'),
    );
    await gate.arrived;
    // A round trip to the same app on another connection: an unheld reply would have arrived.
    await request(`http://127.0.0.1:${port}/missing`);
    order.push('gate opens');
    gate.open();

    expect(await answer).toMatch(/\r\n\r\nok$/);
    expect(order).toEqual(['gate opens', 'lease begun', 'client got a byte']);
    work.resolve();
    await leases.settle('req-1', soon());
    await gate.close();
  });

  it('waitUntilCurrent finds the request inside a route and holds the lease until the work ends', async () => {
    const { headers } = leases.open('req-1');
    expect((await request(`http://127.0.0.1:${port}/current`, { headers })).body).toBe('ok');
    order.push('response received');
    const settled = leases.settle('req-1', soon()).then(() => order.push('settled'));
    order.push('work done');
    work.resolve();
    await settled;
    expect(order).toEqual(['lease begun', 'response received', 'work done', 'lease ended', 'settled']);
  });

  it('waitUntil takes the Fastify request as it is, after the body was parsed', async () => {
    const { headers } = leases.open('req-1');
    const reply = await request(`http://127.0.0.1:${port}/explicit`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{"n":1}',
    });
    expect(reply.status).toBe(201);
    expect(JSON.parse(reply.body)).toEqual({ received: { n: 1 } });
    order.push('response received');
    const settled = leases.settle('req-1', soon()).then(() => order.push('settled'));
    work.resolve();
    await settled;
    expect(order).toEqual(['lease begun', 'response received', 'lease ended', 'settled']);
  });
});
