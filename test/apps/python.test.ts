/**
 * A non-Node app: apps/python (Python's standard-library http.server), unmodified behind the
 * whole local Lambda path, buffered and streaming.
 */
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalLambda } from '../../adapter/local/index.ts';

const CWD = fileURLToPath(new URL('../../apps/python/', import.meta.url));
const COMMAND = ['python3', '-u', 'server.py'];

describe('the Python http.server app, buffered', () => {
  let lambda: LocalLambda;
  beforeAll(async () => {
    lambda = await startLocal({ command: COMMAND, cwd: CWD, port: 0 });
  });
  afterAll(() => lambda?.close());

  it('answers JSON, routes and parses the query', async () => {
    await request(lambda.url).get('/').expect(200).expect('content-type', /json/).expect({ hello: 'world', framework: 'python-http.server' });
    const res = await request(lambda.url).get('/users/42?tag=a&tag=b').expect(200);
    expect(res.body).toEqual({ id: '42', query: { tag: ['a', 'b'] } });
  });

  it('accepts a JSON POST', async () => {
    await request(lambda.url)
      .post('/users')
      .send({ name: 'Zoë' })
      .expect(201)
      .expect({ created: { name: 'Zoë' } });
  });

  it('receives the cookies and sets two', async () => {
    const res = await request(lambda.url).get('/session').set('Cookie', 'a=1; b=2').expect(200);
    expect(res.body).toEqual({ cookies: 'a=1; b=2' });
    expect(res.headers['set-cookie']).toEqual(['session=abc; Path=/; HttpOnly', 'theme=dark']);
  });
});

describe('the Python http.server app, streaming', () => {
  let lambda: LocalLambda;
  beforeAll(async () => {
    lambda = await startLocal({ command: COMMAND, cwd: CWD, port: 0, invokeMode: 'response_stream', freeze: false });
  });
  afterAll(() => lambda?.close());

  it('delivers the first chunk before the second exists: the app writes it only after the client got the first', async () => {
    const order: string[] = [];
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(`${lambda.url}/stream`, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk;
            order.push(`client got ${JSON.stringify(chunk.toString())}`);
            if (text === 'first\n') void release(lambda).then(() => order.push('released'));
          });
          res.on('end', () => resolve(text));
          res.on('error', reject);
        })
        .on('error', reject);
    });
    expect(body).toBe('first\nsecond\n');
    expect(order[0]).toBe('client got "first\\n"');
  });
});

/** GET /release straight at the app: the invocation in progress holds the sandbox's only slot. */
async function release(lambda: LocalLambda): Promise<void> {
  const port = lambda.sandbox.logs.map((l) => /python-app listening on 127\.0\.0\.1:(\d+)/.exec(l.line)?.[1]).find(Boolean);
  const res = await fetch(`http://127.0.0.1:${port}/release`);
  expect(res.status).toBe(200);
}
