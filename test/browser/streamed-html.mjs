#!/usr/bin/env node
// Opt-in browser check (not part of npm test): headless Chromium loads the streamed HTML page of
// apps/streaming through the local Function URL front door in RESPONSE_STREAM mode, and must
// paint the first part before the app has even written the second.
//
//   npm run build && node test/browser/streamed-html.mjs     (needs `chromium`; CHROMIUM=path to override)
//
// Chromium is driven over the DevTools protocol on a pipe (test/helpers/chromium.mjs).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocal } from '../../dist/local.mjs';
import { launchChromium } from '../helpers/chromium.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIMIT_MS = 30_000;

/** What happened, in order: the app's log lines and what the browser showed. */
const timeline = [];
let lambda;
let browser;

let verdict;
try {
  verdict = await Promise.race([check(), new Promise((resolve) => setTimeout(() => resolve(`no verdict within ${LIMIT_MS} ms`), LIMIT_MS).unref())]);
} catch (error) {
  verdict = error instanceof Error ? error.stack : String(error);
} finally {
  await cleanup();
}
console.log(timeline.map((entry) => `  ${entry}`).join('\n'));
if (verdict === 'pass') {
  console.log('PASS: Chromium showed the first part of the streamed page before the app wrote the second.');
  process.exit(0);
}
console.error(`FAIL: ${verdict}`);
process.exit(1);

/** Resolves with 'pass' or the reason for failing. */
async function check() {
  lambda = await startLocal({
    command: ['node', 'server.js'],
    cwd: path.join(ROOT, 'apps/streaming'),
    invokeMode: 'response_stream',
    event: 'function-url',
    port: 0,
    onLog: (log) => log.source === 'app' && timeline.push(`app: ${log.line}`),
  });
  browser = await launchChromium();
  const page = await browser.newPage();

  await page('Page.navigate', { url: `${lambda.url}/page` });
  const probe = "JSON.stringify({ first: !!document.getElementById('first'), second: !!document.getElementById('second'), state: document.readyState })";
  let seen;
  do {
    const { result } = await page('Runtime.evaluate', { expression: probe, returnByValue: true });
    seen = JSON.parse(result.value);
    if (seen.first && !seen.second && !timeline.includes('browser: first part only')) timeline.push('browser: first part only');
    if (!seen.second) await new Promise((resolve) => setTimeout(resolve, 20));
  } while (!seen.second || seen.state !== 'complete');
  timeline.push('browser: whole page');

  const painted = timeline.indexOf('browser: first part only');
  if (painted === -1) return 'the browser never showed the first part without the second: the page arrived in one piece';
  if (painted > timeline.indexOf('app: page: second part sent')) return 'the browser showed the first part only after the app had written the second';
  return 'pass';
}

async function cleanup() {
  await browser?.close();
  await lambda?.close().catch(() => undefined);
}
