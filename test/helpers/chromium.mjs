// Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3
// in, fd 4 out, messages end with a NUL byte): nothing but Node's built-ins is needed. Used by
// test/browser/streamed-html.mjs and the inspector test.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM ?? 'chromium';

/** Whether the Chromium executable runs here (`chromium --version`). */
export function chromiumAvailable() {
  const probe = spawnSync(CHROMIUM, ['--version'], { stdio: 'ignore', timeout: 20_000 });
  return probe.status === 0;
}

/** Start a fresh headless Chromium (its own profile, its own process group). */
export async function launchChromium() {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'ferry-chromium-'));
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
    child.once('error', (error) =>
      reject(new Error(`could not start ${CHROMIUM} (${error.message}); install it (apt-get install -y chromium) or set CHROMIUM`)),
    );
    child.once('exit', (code, signal) => reject(new Error(`Chromium exited (${signal ?? code}):\n${stderr}`)));
  });
  failed.catch(() => undefined);
  const cdp = devtools(child);
  return {
    child,
    exited,
    failed,
    cdp,
    /** A new tab; `page(method, params)` sends to it. */
    async newPage() {
      const { targetId } = await Promise.race([cdp.send('Target.createTarget', { url: 'about:blank' }), failed]);
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
      return (method, params) => cdp.send(method, params, sessionId);
    },
    async close() {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
        await exited;
      }
      await rm(profile, { recursive: true, force: true }).catch(() => undefined);
    },
  };
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
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
    },
  };
}
