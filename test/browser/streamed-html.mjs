#!/usr/bin/env node
// Opt-in browser check (not part of npm test): headless Chromium loads the streamed HTML page of
// apps/streaming through the local Function URL front door in RESPONSE_STREAM mode, and must
// paint the first part before the app has even written the second.
//
//   npm run build && node test/browser/streamed-html.mjs     (needs `chromium`; CHROMIUM=path to override)
//
// Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3 in,
// fd 4 out, messages end with a NUL byte), so nothing but Node's built-ins is needed.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocal } from '../../dist/local.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? 'chromium';
const LIMIT_MS = 30_000;


/** What happened, in order: the app's log lines and what the browser showed. */
const timeline = [];
const profile = await mkdtemp(path.join(os.tmpdir(), 'ferry-chromium-'));
let lambda;
let browser;

let verdict;
try {
  verdict = await Promise.race([
    check(),
    new Promise((resolve) => setTimeout(() => resolve(`no verdict within ${LIMIT_MS} ms`), LIMIT_MS).unref()),
  ]);
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
  browser = launchChromium();
  const cdp = devtools(browser.child);

  const { targetId } = await Promise.race([cdp.send('Target.createTarget', { url: 'about:blank' }), browser.failed]);
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
  const page = (method, params) => cdp.send(method, params, sessionId);

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

function launchChromium() {
  // Its own process group: /usr/bin/chromium is a wrapper script, and the browser it starts must
  // go too when the check ends.
  const child = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const failed = new Promise((_, reject) => {
    child.once('error', (error) => reject(new Error(`could not start ${CHROMIUM} (${error.message}); install it (apt-get install -y chromium) or set CHROMIUM`)));
    child.once('exit', (code, signal) => reject(new Error(`Chromium exited (${signal ?? code}):\n${stderr}`)));
  });
  failed.catch(() => undefined);
  return { child, exited, failed };
}

/** A minimal DevTools protocol client over Chromium's pipe. */
function devtools(child) {
  const [, , , toBrowser, fromBrowser] = child.stdio;
  const pending = new Map();
  let nextId = 1;
  let buffer = Buffer.alloc(0);
  fromBrowser.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    let end;
    while ((end = buffer.indexOf(0)) !== -1) {
      const message = JSON.parse(buffer.subarray(0, end).toString('utf8'));
      buffer = buffer.subarray(end + 1);
      const waiting = message.id !== undefined && pending.get(message.id);
      if (!waiting) continue;
      pending.delete(message.id);
      if (message.error) waiting.reject(new Error(`${waiting.method}: ${message.error.message}`));
      else waiting.resolve(message.result);
    }
  });
  return {
    send(method, params = {}, sessionId) {
      const id = nextId++;
      toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
    },
  };
}

async function cleanup() {
  if (browser?.child.pid !== undefined && browser.child.exitCode === null && browser.child.signalCode === null) {
    try {
      process.kill(-browser.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await browser.exited;
  }
  await lambda?.close().catch(() => undefined);
  await rm(profile, { recursive: true, force: true }).catch(() => undefined);
}
