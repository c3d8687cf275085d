/**
 * What every example web app (apps/fastify, apps/express: the same routes in two frameworks) must
 * do through the whole Lambda path: supertest → the local Function URL front door → the Lambda
 * emulator → Ferry → the unmodified app.
 *
 * Copy this into your project: `import { startLocal } from 'ferry-lambda/local'`.
 */
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalLambda } from '../../adapter/local/index.ts';
import { FERRY_MODES } from '../helpers/ferry.ts';

export interface ExampleApp {
  /** Its folder under apps/, and the `framework` its `GET /` reports. */
  name: 'fastify' | 'express';
  /** The second Set-Cookie as the framework writes it (Express adds `Path=/`). */
  themeCookie: string;
}

/** The 1x1 PNG both apps serve at /logo.png. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

export function exampleAppSuite({ name, themeCookie }: ExampleApp): void {
  describe.each(FERRY_MODES)('%s mode', (mode) => {
    let lambda: LocalLambda;

    beforeAll(async () => {
      lambda = await startLocal({
        inline: mode === 'inline',
        command: ['node', 'server.js'],
        cwd: fileURLToPath(new URL(`../../apps/${name}/`, import.meta.url)),
        event: 'function-url',
        port: 0,
      });
    });

    afterAll(async () => {
      await lambda?.close();
    });

    describe(`the ${name} app behind a Function URL`, () => {
      it('answers a GET with JSON', async () => {
        await request(lambda.url).get('/').expect(200).expect('content-type', /json/).expect({ hello: 'world', framework: name });
      });

      it('routes path parameters and parses the query string', async () => {
        const res = await request(lambda.url).get('/users/42?tag=a&tag=b&q=hello%20world').expect(200);
        expect(res.body).toEqual({ id: '42', query: { tag: ['a', 'b'], q: 'hello world' } });
      });

      it('accepts a JSON POST and answers 201', async () => {
        await request(lambda.url)
          .post('/users')
          .send({ name: 'Zoë' })
          .expect(201)
          .expect({ created: { name: 'Zoë' } });
      });

      it('receives the client cookies and sets several, commas in Expires included', async () => {
        const res = await request(lambda.url).get('/session').set('Cookie', 'a=1; b=2').expect(200);
        expect(res.body).toEqual({ cookies: 'a=1; b=2' });
        expect(res.headers['set-cookie']).toEqual(['session=abc; Path=/; HttpOnly', themeCookie]);
      });

      it('redirects without following', async () => {
        await request(lambda.url).get('/redirect').expect(302).expect('location', '/users/1');
      });

      it('serves binary bytes unchanged', async () => {
        const res = await request(lambda.url).get('/logo.png').expect(200).expect('content-type', 'image/png');
        expect(Buffer.compare(res.body, PNG)).toBe(0);
      });

      it('answers an unknown route with the app’s own 404', async () => {
        await request(lambda.url).get('/nope').expect(404);
      });
    });
  });
}
