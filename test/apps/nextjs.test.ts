/**
 * Next.js (standalone output) unmodified behind the whole local Lambda path. The /streaming page
 * has a Suspense boundary whose slow part waits until it is released: the test releases it only
 * once the client holds the shell, so the shell must have streamed through Ferry first.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../adapter/local/free-port.ts';
import { startLocal, type LocalLambda } from '../../adapter/local/index.ts';
import { ensureNextBuild, STANDALONE } from './nextjs-build.ts';

let lambda: LocalLambda;
let appPort: number;

beforeAll(async () => {
  ensureNextBuild();
  appPort = await freePort();
  lambda = await startLocal({
    command: ['node', 'server.js'],
    cwd: STANDALONE,
    port: 0,
    appPort,
    invokeMode: 'response_stream',
    env: { HOSTNAME: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1' },
    initTimeoutMs: 30_000,
  });
}, 600_000);
afterAll(() => lambda?.close());

describe('Next.js standalone behind Ferry', () => {
  it('renders a page and serves its static assets (copied into the standalone folder)', async () => {
    const res = await fetch(lambda.url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Hello from Next.js behind Ferry');
    const asset = /\/_next\/static\/[^"]+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    const js = await fetch(`${lambda.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it('streams a Suspense page: the shell reaches the client while the slow part is still waiting', async () => {
    const id = `t${Date.now()}`;
    let released: Promise<boolean> | undefined;
    const html = await new Promise<string>((resolve, reject) => {
      http
        .get(`${lambda.url}/streaming?id=${id}`, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            if (!released && text.includes('The shell arrives first') && text.includes('Loading the slow part')) {
              // Straight at the app: the streaming invocation holds the sandbox's only slot.
              released = fetch(`http://127.0.0.1:${appPort}/api/release?id=${id}`)
                .then((r) => r.json() as Promise<{ released: boolean }>)
                .then((r) => r.released);
            }
          });
          res.on('end', () => resolve(text));
          res.on('error', reject);
        })
        .on('error', reject);
    });
    const releasedWhileWaiting = await released;
    // true only if the gate was still closed when the client already had the shell.
    expect(releasedWhileWaiting).toBe(true);
    // React separates text nodes with <!-- --> in streamed HTML.
    expect(html.replaceAll('<!-- -->', '')).toContain('The slow part arrived (released)');
  });
});
