/**
 * The inspector at /_ferry: in headless Chromium (Debian's `chromium`), live while a stream is
 * in progress; and when it is on or off (loopback, --host 0.0.0.0, explicit choices).
 *
 * Without Chromium the browser tests are skipped with a reason in their name; .ci/run installs
 * Chromium and sets FERRY_REQUIRE_CHROMIUM=1, which turns a missing browser into a failure.
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLocalArgs } from '../../adapter/cli/index.ts';
import { startLocal, type LocalLambda } from '../../adapter/local/index.ts';
import { chromiumAvailable, launchChromium, type Chromium, type Page } from '../helpers/chromium.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SLOW_STREAM = ['node', path.join(ROOT, 'test/local/fixtures/slow-stream-app.mjs')];
const ECHO = ['node', path.join(ROOT, 'test/fixtures/echo-app.mjs')];

const HAVE_CHROMIUM = chromiumAvailable();
const REQUIRED = process.env.FERRY_REQUIRE_CHROMIUM === '1';
const browserTitle =
  HAVE_CHROMIUM || REQUIRED
    ? 'the inspector in headless Chromium'
    : 'the inspector in headless Chromium: SKIPPED, no chromium here (apt-get install -y chromium; .ci/run installs it)';

let lambda: LocalLambda | undefined;
let browser: Chromium | undefined;
afterEach(async () => {
  await browser?.close();
  await lambda?.close();
  browser = lambda = undefined;
});

/** Evaluate `expression` in the page until it returns a truthy value. */
async function waitInPage<T>(page: Page, what: string, expression: string, timeoutMs = 15_000, show = 'document.body.innerText.slice(0, 3000)'): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (true) {
    const { result } = await page('Runtime.evaluate', { expression, returnByValue: true });
    if (result.value) return result.value as T;
    if (Date.now() > end) {
      const { result: shown } = await page('Runtime.evaluate', { expression: show, returnByValue: true });
      throw new Error(`the inspector page never showed ${what}; it shows:\n${shown.value}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The row of `GET <path>` as the page shows it now (or null). */
const rowOf = (requestPath: string) => `(() => {
  const row = [...document.querySelectorAll('details.invocation')].find((d) => d.querySelector('summary b')?.textContent === 'GET ${requestPath}');
  if (!row) return null;
  const text = (sel) => row.querySelector(sel)?.textContent ?? '';
  return { state: row.dataset.state, status: text('.status'), bytes: parseInt(text('.bytes')) || 0, event: text('.event'), appRequest: text('.app-request'),
    result: text('.result'), logs: text('.logs'), timings: Object.fromEntries([...row.querySelectorAll('.timings tr')].map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent])) };
})()`;

describe.skipIf(!HAVE_CHROMIUM && !REQUIRED)(browserTitle, () => {
  it('lists an invocation live while it streams, then its event, request, result, timings and log lines', async () => {
    lambda = await startLocal({ command: SLOW_STREAM, port: 0, invokeMode: 'response_stream', env: { CHUNKS: '100' } });
    browser = await launchChromium();
    const page = await browser.newPage();
    await page('Page.navigate', { url: lambda.inspectorUrl! });
    await waitInPage(page, 'the live connection', "document.getElementById('live')?.textContent === 'live' || document.readyState === 'complete'");

    let clientDone = false;
    const streamed = new Promise<string>((resolve, reject) => {
      http
        .get(`${lambda!.url}/live?who=chromium`, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c));
          res.on('end', () => {
            clientDone = true;
            resolve(body);
          });
        })
        .on('error', reject);
    });

    const during = await waitInPage<{ state: string; bytes: number }>(
      page,
      'the stream in progress',
      `(() => { const r = ${rowOf('/live?who=chromium')}; return r && r.state === 'streaming' && r.bytes > 0 ? r : null; })()`,
    );
    // Seen in the page while the client was still receiving the same stream.
    expect(clientDone).toBe(false);
    expect(during.bytes).toBeGreaterThan(0);
    expect((await streamed).length).toBe(600);

    const after = await waitInPage<any>(
      page,
      'the finished invocation, frozen',
      `(() => { const r = ${rowOf('/live?who=chromium')}; return r && r.state === 'done' && r.timings['answered → frozen'] !== '–' ? r : null; })()`,
    );
    expect(after.status).toBe('200');
    // The page itself causes no invocation (no /favicon.ico request reaches the app).
    expect(await page('Runtime.evaluate', { expression: `${rowOf('/favicon.ico')} === null`, returnByValue: true })).toMatchObject({ result: { value: true } });
    expect(after.bytes).toBe(600);
    expect(JSON.parse(after.event)).toMatchObject({ rawPath: '/live', rawQueryString: 'who=chromium', requestContext: { http: { method: 'GET' } } });
    expect(JSON.parse(after.appRequest)).toMatchObject({ method: 'GET', target: '/live?who=chromium' });
    expect(after.result).toContain('chunk0chunk1');
    expect(after.logs).toContain('[app] slow-stream /live?who=chromium done, aborted=false');
    for (const name of [
      'event → delivered to Ferry',
      'delivered → the app’s first byte',
      'first → last byte',
      'answered → post-response work done',
      'answered → frozen',
    ]) {
      expect(after.timings[name]).toMatch(/^\d+ ms$/);
    }
  }, 60_000); // Chromium's start alone takes seconds on a loaded 2-core machine.
});

describe('when the inspector is on', () => {
  it('is on for a loopback front door, and says that /_ferry is taken', async () => {
    lambda = await startLocal({ command: ECHO, port: 0 });
    expect(lambda.inspectorUrl).toBe(`${lambda.url}/_ferry`);
    expect(lambda.inspectorStatus).toMatch(/an app route \/_ferry is not reached while it is on/);
    const page = await fetch(lambda.inspectorUrl!);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('an app route /_ferry is not reached');
    const other = await fetch(`${lambda.url}/_ferry/settings`);
    expect(other.status).toBe(404);
    expect(await other.text()).toMatch(/is not part of the Ferry inspector/);
  });

  it('is off beyond loopback unless asked for, and the startup status says so', async () => {
    lambda = await startLocal({ command: ECHO, port: 0, host: '0.0.0.0' });
    expect(lambda.inspectorUrl).toBeUndefined();
    expect(lambda.inspectorStatus).toMatch(/^inspector off: the front door listens on 0\.0\.0\.0, beyond loopback.*--inspector turns it on/);
    // /_ferry is the app's again.
    const res = await fetch(`http://127.0.0.1:${new URL(lambda.url).port}/_ferry`);
    expect(res.headers.get('content-type')).not.toMatch(/text\/html/);
    await lambda.close();

    lambda = await startLocal({ command: ECHO, port: 0, host: '0.0.0.0', inspector: true });
    expect(lambda.inspectorUrl).toBeDefined();
  });

  it('--no-inspector gives /_ferry back to the app', async () => {
    const parsed = parseLocalArgs(['--no-inspector', '--', 'node', 'x.js']);
    expect(parsed).toMatchObject({ kind: 'run', options: { inspector: false } });
    expect(parseLocalArgs(['--inspector', '--no-inspector', '--', 'node', 'x.js'])).toMatchObject({
      kind: 'invalid',
      problems: [expect.stringContaining('contradict')],
    });
    lambda = await startLocal({ command: ECHO, port: 0, inspector: false });
    const res = await fetch(`${lambda.url}/_ferry`);
    expect(res.status).toBe(200);
    expect(lambda.inspectorStatus).toBe('inspector off');
    expect(res.headers.get('content-type')).not.toMatch(/text\/html/);
  });
});
