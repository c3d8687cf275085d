/**
 * When the app does not answer where Ferry probes, Ferry looks at what the app's processes listen
 * on (/proc/net/tcp, /proc/net/tcp6 and their socket inodes) and says the fix with its first
 * progress line, instead of after the whole Init budget.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../adapter/local/free-port.ts';
import { startLocal, type LocalLog } from '../../adapter/local/index.ts';
import { diagnoseListeners, parseSocketTable } from '../../adapter/proxy/listening-sockets.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** An app that listens on LISTEN_HOST:LISTEN_PORT, whatever PORT says. */
async function stubbornApp(): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-diagnosis-'));
  await writeFile(
    path.join(dir, 'app.mjs'),
    "import http from 'node:http';\nhttp.createServer((q, s) => s.end('ok')).listen(Number(process.env.LISTEN_PORT || process.env.PORT), process.env.LISTEN_HOST);\n",
  );
  return dir;
}

/** Start, expect Init to fail (its budget cut to 4 s: the first progress line comes at 2 s), and return every log line. */
async function failedStart(env: Record<string, string>): Promise<{ logs: LocalLog[]; error: Error }> {
  const cwd = await stubbornApp();
  const logs: LocalLog[] = [];
  const error = await startLocal({
    command: ['node', 'app.mjs'],
    cwd,
    port: 0,
    env: { FERRY_INIT_READINESS_TIMEOUT_MS: '4000', ...env },
    onLog: (l) => logs.push(l),
  }).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return { logs, error: error! };
}

/** The Ferry line right after the first "waiting for the app" progress line. */
function lineAfterFirstProgress(logs: LocalLog[]): string | undefined {
  const ferry = logs.filter((l) => l.source === 'ferry').map((l) => l.line);
  const first = ferry.findIndex((l) => l.includes('waiting for the app'));
  return first === -1 ? undefined : ferry[first + 1];
}

describe('readiness diagnoses', () => {
  it('names the port the app listens on instead, at the first progress line', async () => {
    const other = await freePort();
    const { logs, error } = await failedStart({ LISTEN_PORT: String(other), LISTEN_HOST: '127.0.0.1' });
    const port = /AWS_LWA_PORT\/PORT \((\d+)\)/.exec(error.message)?.[1];
    expect(lineAfterFirstProgress(logs)).toBe(`[ferry] WARN the app listens on 127.0.0.1:${other}, not ${port}: set AWS_LWA_PORT=${other}`);
  });

  it('says when the app listens only on [::1]', async () => {
    const { logs } = await failedStart({ LISTEN_HOST: '::1', LISTEN_PORT: '' });
    // LISTEN_PORT empty: the app takes PORT, the right port, on the wrong interface.
    expect(lineAfterFirstProgress(logs)).toMatch(/^\[ferry\] WARN the app listens on port \d+ only on \[::1\], not 127\.0\.0\.1: set AWS_LWA_HOST=::1$/);
  });

  it('shows the last output without repeating a prefix', async () => {
    const { error } = await failedStart({ LISTEN_PORT: String(await freePort()), LISTEN_HOST: '127.0.0.1' });
    expect(error.message).toContain('Last output:');
    expect(error.message).toMatch(/^ {2}\[ferry\] INFO waiting for the app/m);
    expect(error.message).not.toContain('[ferry] [ferry]');
  });

  it('refuses an app port equal to the front door’s port, saying why', async () => {
    const port = await freePort();
    await expect(startLocal({ command: ['node', 'x.mjs'], port, appPort: port })).rejects.toThrow(`the app port (${port}) is the front door's port`);
  });
});

describe('listening sockets (pure)', () => {
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  it('reads LISTEN entries of /proc/net/tcp and tcp6, addresses in the kernel’s byte order', () => {
    const tcp =
      header +
      '   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0\n' +
      '   1: 0100007F:0BB9 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0 100 0 0 10 0\n';
    expect(parseSocketTable(tcp)).toEqual([{ address: '127.0.0.1', port: 3000, inode: 4242 }]);
    const tcp6 =
      header +
      '   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 77 1 0 100 0 0 10 0\n';
    expect(parseSocketTable(tcp6)).toEqual([{ address: '::1', port: 8080, inode: 77 }]);
  });

  it('says nothing when the app listens where Ferry probes (or on a wildcard), or nowhere yet', () => {
    expect(diagnoseListeners([{ address: '0.0.0.0', port: 8080, inode: 1 }], '127.0.0.1', 8080)).toBeUndefined();
    expect(diagnoseListeners([{ address: '::', port: 8080, inode: 1 }], '127.0.0.1', 8080)).toBeUndefined();
    expect(diagnoseListeners([], '127.0.0.1', 8080)).toBeUndefined();
    expect(diagnoseListeners([{ address: '0.0.0.0', port: 8080, inode: 1 }], '::1', 8080)).toBe(
      'the app listens on port 8080 only on 0.0.0.0, not [::1]: set AWS_LWA_HOST=0.0.0.0',
    );
  });
});
