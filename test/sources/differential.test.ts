/**
 * The same events through the in-process @fastify/aws-lambda and through Ferry to the same Fastify
 * app must give the same status, headers and body. Where they differ on purpose, the test says why.
 */
import awsLambdaFastify from '@fastify/aws-lambda';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/fastify/app.js';
import { functionUrlEvent } from '../helpers/events.ts';
import { FERRY_MODES, ROOT, startFerry, type FerryUnderTest } from '../helpers/ferry.ts';

const FIXTURES = `${ROOT}/test/fixtures/events`;
const restEvent = (overrides: Record<string, unknown>) => ({
  ...JSON.parse(readFileSync(`${FIXTURES}/powertools/apigw-rest-no-auth.json`, 'utf8')),
  ...overrides,
});

describe.each(FERRY_MODES)('%s mode', (mode) => {
  let ferry: FerryUnderTest;
  let inProcess: (event: unknown, context: unknown) => Promise<any>;
  beforeAll(async () => {
    ferry = await startFerry({ mode, app: ['node', `${ROOT}/apps/fastify/server.js`] });
    const app = buildApp();
    inProcess = awsLambdaFastify(app, { binaryMimeTypes: ['image/png'] });
    await app.ready();
  });
  afterAll(() => ferry.close());

  /** What a client would receive, in a comparable form. */
  function asClientSees(result: any) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries<any>(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
    for (const [name, values] of Object.entries<any>(result.multiValueHeaders ?? {})) {
      if (name.toLowerCase() !== 'set-cookie') headers[name.toLowerCase()] = values.join(', ');
    }
    const cookies: string[] = result.cookies ?? result.multiValueHeaders?.['set-cookie'] ?? result.multiValueHeaders?.['Set-Cookie'] ?? [];
    delete headers['set-cookie'];
    delete headers.date; // differs by the clock
    delete headers.connection; // a hop-by-hop header of the in-process fake socket, not a client header
    delete headers['keep-alive'];
    return { statusCode: result.statusCode, headers, cookies, body: Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8') };
  }

  const cases: Array<[string, unknown]> = [
    ['GET with a query (Function URL)', functionUrlEvent({ path: '/users/42', query: 'expand=orders&tag=a&tag=b' })],
    ['POST JSON (Function URL)', functionUrlEvent({ method: 'POST', path: '/users', headers: { 'content-type': 'application/json' }, body: '{"name":"Ada"}' })],
    ['a redirect (Function URL)', functionUrlEvent({ path: '/redirect' })],
    ['a binary PNG (Function URL)', functionUrlEvent({ path: '/logo.png' })],
    ['a 404 (Function URL)', functionUrlEvent({ path: '/missing' })],
    [
      'GET with a query (REST)',
      restEvent({ path: '/users/7', httpMethod: 'GET', queryStringParameters: { a: '1' }, multiValueQueryStringParameters: { a: ['1'] }, body: null }),
    ],
    [
      'POST JSON (REST)',
      restEvent({
        path: '/users',
        httpMethod: 'POST',
        headers: { 'Content-Type': 'application/json' },
        multiValueHeaders: { 'Content-Type': ['application/json'] },
        body: '{"name":"Grace"}',
        isBase64Encoded: false,
      }),
    ],
  ];

  describe('Ferry and @fastify/aws-lambda agree', () => {
    it.each(cases)('%s', async (_, event) => {
      const viaFerry = asClientSees((await ferry.invoke(event)).json());
      const viaInProcess = asClientSees(await inProcess(structuredClone(event), {}));
      expect(viaFerry.statusCode).toBe(viaInProcess.statusCode);
      expect(viaFerry.body).toEqual(viaInProcess.body);
      expect(viaFerry.cookies).toEqual(viaInProcess.cookies);
      // Ferry adds nothing the app did not send; content-length is the app's own on both paths.
      expect(viaFerry.headers).toEqual(viaInProcess.headers);
    });

    it('cookies: Ferry keeps both Set-Cookie values whole in cookies[], as does the peer for payload 2.0', async () => {
      const event = functionUrlEvent({ path: '/session', cookies: ['a=1'] });
      const viaFerry = asClientSees((await ferry.invoke(event)).json());
      const viaInProcess = asClientSees(await inProcess(structuredClone(event), {}));
      expect(viaFerry.cookies).toEqual(['session=abc; Path=/; HttpOnly', 'theme=dark; Expires=Wed, 21 Oct 2037 07:28:00 GMT']);
      expect(viaFerry.cookies).toEqual(viaInProcess.cookies);
      expect(viaFerry.body).toEqual(viaInProcess.body);
    });
  });
});
