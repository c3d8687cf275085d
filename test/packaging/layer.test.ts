/**
 * The layer's contents: the adapter's size and what is (not) in it, start-up order inside the
 * executable, the archive Lambda extracts into /opt, the exec wrapper, and the SAM template.
 */
import { type ChildProcessByStdio, execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { zip } from '../../layer/zip.mjs';
import { functionUrlEvent } from '../helpers/events.ts';
import { FERRY_BIN, FERRY_INLINE, ROOT, startFerry } from '../helpers/ferry.ts';
import { readZip } from './zip-reader.ts';

/** layer/build.mjs's BUNDLE_BUDGET (not imported: importing build.mjs runs the build). */
const BUDGET = 250_000;
const DIST = path.join(ROOT, 'dist');
const BOOTSTRAP = path.join(DIST, 'layer/bootstrap');

/** Ferry with test/packaging/fixtures/load-probe.cjs preloaded, its stderr piped. */
function spawnWithLoadProbe(args: string[], runtimeApi: string): ChildProcessByStdio<null, null, Readable> {
  return spawn(FERRY_BIN, args, {
    env: { PATH: process.env.PATH, AWS_LAMBDA_RUNTIME_API: runtimeApi, NODE_OPTIONS: `--require ${path.join(ROOT, 'test/packaging/fixtures/load-probe.cjs')}` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** The JSON after `[tag] ` in the child's stderr; rejects if the child exits before printing it. */
function probeLine(child: ChildProcessByStdio<null, null, Readable>, tag: string, before: string): Promise<string> {
  let stderr = '';
  child.stderr.setEncoding('utf8');
  return new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (text: string) => {
      stderr += text;
      const match = new RegExp(`\\[${tag}\\] (.*)\\n`).exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error(`ferry exited before ${before}: ${stderr}`)));
  });
}

describe('the adapter executable', () => {
  const report = JSON.parse(readFileSync(path.join(DIST, 'ferry-bundle.json'), 'utf8')) as {
    bytes: number;
    eager: Record<string, number>;
    deferred: Record<string, number>;
  };

  it(`fits the ${BUDGET}-byte budget`, () => {
    expect(statSync(FERRY_BIN).size).toBeLessThanOrEqual(BUDGET);
    expect(report.bytes).toBe(statSync(FERRY_BIN).size);
  });

  it("bundles no package: HTTP goes through Ferry's own client (adapter/http1), so no undici to compile and no WebAssembly", () => {
    const modules = [...Object.keys(report.eager), ...Object.keys(report.deferred)];
    expect(modules.filter((m) => m.includes('node_modules/'))).toEqual([]);
    expect(readFileSync(FERRY_BIN, 'utf8')).not.toMatch(/WebAssembly/);
  });

  it('keeps registration in the eager part: serve.ts and the codecs are compiled only afterwards', () => {
    const eager = Object.keys(report.eager).filter((m) => !m.startsWith('ferry-deferred:'));
    expect(eager.sort()).toEqual([
      'adapter/app-process.ts',
      'adapter/http1/connection.ts',
      'adapter/http1/pool.ts',
      'adapter/http1/read-buffers.ts',
      'adapter/http1/request-head.ts',
      'adapter/http1/response-parser.ts',
      'adapter/inline/claim.ts',
      'adapter/inline/stand-aside.ts',
      'adapter/log.ts',
      'adapter/main.ts',
      'adapter/runtime/extensions-api.ts',
      'adapter/uptime.ts',
    ]);
  });

  it('has required nothing but node:net, node:stream and node:path, nor loaded perf_hooks or node:http, when its registration request goes out', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      if (req.url === '/2020-01-01/extension/register') res.writeHead(200, { 'lambda-extension-identifier': 'probe' }).end('{}');
      // event/next and the rest stay open; the process is killed below.
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const child = spawnWithLoadProbe([], `127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const line = await probeLine(child, 'load-probe', 'registering');
      const { required, internal } = JSON.parse(line) as { required: string[]; internal: string[] };
      // The probe itself loaded node:net first; Ferry adds its HTTP client's node:net and node:stream, and node:path.
      expect([...new Set(required)].sort()).toEqual(['node:net', 'node:path', 'node:stream']);
      // Nor a lazy global's modules: touching `performance` alone cost ~1.4 ms of start-up on Node 22;
      // nor node:http (registration used its client: ~3 ms to load on top of node:net).
      expect(internal.filter((name) => /perf|http/.test(name))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      server.closeAllConnections();
      server.close();
    }
  });

  it('runtime mode spawns the app before it requires node:net (its HTTP client)', async () => {
    // Nothing answers at port 1: Ferry fails after the spawn, which is all this test needs.
    const child = spawnWithLoadProbe(['--', process.execPath, '-e', '0'], '127.0.0.1:1');
    try {
      const line = await probeLine(child, 'load-probe-spawn', 'spawning the app');
      const { required } = JSON.parse(line) as { required: string[] };
      // Armed: the probe saw Ferry require child_process for the spawn.
      expect(required).toContain('node:child_process');
      expect(required).not.toContain('node:net');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it.each(['extension', 'runtime'] as const)(
    "loads neither node:crypto nor node:dns, node:cluster, node:child_process nor node:http's client up to its first response (%s mode)",
    async (mode) => {
      // Each cost milliseconds of every Init: crypto for lease tokens (lease/tokens.ts), dns and
      // cluster (which brings child_process and dgram) for the lease server's listen (lease/server.ts),
      // node:http for registration (runtime/extensions-api.ts) and the lease server, which loads its
      // server only at its first connection. Runtime mode spawns the app, so child_process (and its dgram) are allowed there.
      const ferry = await startFerry({ mode, env: { NODE_OPTIONS: `--require ${path.join(ROOT, 'test/packaging/fixtures/modules-probe.cjs')}` } });
      try {
        const result = await ferry.invoke(functionUrlEvent({ path: '/modules' }));
        expect(result.json().statusCode).toBe(200);
        process.kill(ferry.ferryPid, 'SIGUSR2');
        const line = await ferry.sandbox.waitForLog(/^\[modules-probe\] /);
        const loaded = JSON.parse(line.slice('[modules-probe] '.length)) as string[];
        // Armed: the probe sees what Ferry loaded (node:net, for one).
        expect(loaded).toContain('NativeModule net');
        const unwanted = ['crypto', 'dns', 'cluster', 'http', '_http_agent', '_http_client', '_http_server']
          .concat(mode === 'extension' ? ['child_process', 'dgram'] : [])
          .map((name) => `NativeModule ${name}`);
        expect(loaded.filter((name) => unwanted.includes(name))).toEqual([]);
      } finally {
        await ferry.close();
      }
    },
  );

  it('compiles no WebAssembly while it starts and serves (no llhttp wasm: node:http parses with its built-in llhttp)', async () => {
    const ferry = await startFerry({ env: { NODE_OPTIONS: `--require ${path.join(ROOT, 'test/packaging/fixtures/wasm-probe.cjs')}` } });
    try {
      const result = await ferry.invoke(functionUrlEvent({ path: '/no-wasm', method: 'POST', body: 'x'.repeat(100_000) }));
      expect(result.json().statusCode).toBe(200);
      const probe = ferry.sandbox.logs.filter((l) => l.source === 'ferry' && l.line.includes('[wasm-probe]')).map((l) => l.line);
      // Armed (the probe was loaded into Ferry), and nothing compiled.
      expect(probe).toEqual(['[wasm-probe] armed']);
    } finally {
      await ferry.close();
    }
  });
});

describe('the layer archive (dist/ferry-layer.zip)', () => {
  const archive = readFileSync(path.join(DIST, 'ferry-layer.zip'));

  it('holds bootstrap and extensions/ferry as built, both mode 0755, and ferry-inline.mjs (0644), as unix modes', () => {
    const entries = readZip(archive);
    expect(entries.map((e) => [e.name, (e.mode & 0o170000).toString(8), (e.mode & 0o7777).toString(8), e.madeBy])).toEqual([
      ['bootstrap', '100000', '755', 3],
      ['extensions/', '40000', '755', 3],
      ['extensions/ferry', '100000', '755', 3],
      ['ferry-inline.mjs', '100000', '644', 3],
    ]);
    expect(entries[0]!.data.equals(readFileSync(BOOTSTRAP))).toBe(true);
    expect(entries[2]!.data.equals(readFileSync(FERRY_BIN))).toBe(true);
    expect(entries[3]!.data.equals(readFileSync(FERRY_INLINE))).toBe(true);
  });

  it('is reproducible: the same files give the same bytes', () => {
    const again = zip([
      { name: 'bootstrap', data: readFileSync(BOOTSTRAP), mode: 0o755 },
      { name: 'extensions/', mode: 0o755 },
      { name: 'extensions/ferry', data: readFileSync(FERRY_BIN), mode: 0o755 },
      { name: 'ferry-inline.mjs', data: readFileSync(FERRY_INLINE), mode: 0o644 },
    ]);
    expect(again.equals(archive)).toBe(true);
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  // An independent reader; python3 is on the project's machines but not a requirement of the build.
  it.skipIf(!python)("extracts with Python's zipfile to executable files", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-layer-'));
    try {
      const script = [
        'import os, sys, zipfile',
        'z = zipfile.ZipFile(sys.argv[1])',
        'assert z.testzip() is None',
        'for i in z.infolist():',
        '    p = z.extract(i, sys.argv[2])',
        '    os.chmod(p, (i.external_attr >> 16) & 0o7777)',
      ].join('\n');
      execFileSync('python3', ['-c', script, path.join(DIST, 'ferry-layer.zip'), dir]);
      for (const file of ['bootstrap', 'extensions/ferry']) expect((statSync(path.join(dir, file)).mode & 0o777).toString(8)).toBe('755');
      expect(readFileSync(path.join(dir, 'extensions/ferry')).equals(readFileSync(FERRY_BIN))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the exec wrapper (/opt/bootstrap)', () => {
  const taskRoot = mkdtempSync(path.join(os.tmpdir(), 'ferry-task-'));
  afterAll(() => rmSync(taskRoot, { recursive: true, force: true }));
  // What a managed runtime's bootstrap does with AWS_LAMBDA_EXEC_WRAPPER: the wrapper, then its own command.
  const wrap = (env: Record<string, string>) =>
    spawnSync(BOOTSTRAP, ['/var/lang/bin/node', '--expose-gc', '/var/runtime/index.mjs'], {
      env: { PATH: process.env.PATH, LAMBDA_TASK_ROOT: taskRoot, ...env },
      encoding: 'utf8',
    });

  it("execs the handler's start script from LAMBDA_TASK_ROOT, without the runtime client's arguments", () => {
    writeFileSync(path.join(taskRoot, 'run.sh'), '#!/bin/sh\necho "run.sh started with $# arguments, pid $$"\n');
    chmodSync(path.join(taskRoot, 'run.sh'), 0o755);
    const result = wrap({ _HANDLER: 'run.sh' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^run\.sh started with 0 arguments/);
  });

  it('says which file is missing and what the handler should be', () => {
    const result = wrap({ _HANDLER: 'index.handler' });
    expect(result.status).toBe(127);
    expect(result.stderr).toContain(`[ferry] ERROR /opt/bootstrap: the function's handler is 'index.handler' but ${taskRoot}/index.handler does not exist`);
    expect(result.stderr).toMatch(/e\.g\. run\.sh/);
  });

  it('says how to fix a start script that is not executable', () => {
    writeFileSync(path.join(taskRoot, 'plain.sh'), '#!/bin/sh\necho never\n');
    chmodSync(path.join(taskRoot, 'plain.sh'), 0o644);
    const result = wrap({ _HANDLER: 'plain.sh' });
    expect(result.status).toBe(126);
    expect(result.stderr).toContain("is not executable: run 'chmod +x plain.sh'");
  });

  it('refuses an empty handler', () => {
    const result = wrap({ _HANDLER: '' });
    expect(result.status).toBe(127);
    expect(result.stderr).toContain('_HANDLER is empty');
  });

  it('is plain POSIX sh (runs under dash where present)', () => {
    expect(readFileSync(BOOTSTRAP, 'utf8').startsWith('#!/bin/sh\n')).toBe(true);
    const dash = spawnSync('dash', ['-n', BOOTSTRAP]);
    if (dash.error === undefined) expect(dash.status).toBe(0);
  });
});

describe('layer/template.yaml', () => {
  const text = readFileSync(path.join(ROOT, 'layer/template.yaml'), 'utf8');
  const list = (key: string) => {
    const block = new RegExp(`\\n(\\s*)${key}:\\n((?:\\1\\s+- .*\\n)+)`).exec(text);
    return block ? [...block[2]!.matchAll(/- (\S+)/g)].map((m) => m[1]) : [];
  };

  it('publishes dist/ferry-layer.zip as a layer version for both architectures and Node.js 20-24', () => {
    expect(text).toMatch(/Type: AWS::Serverless::LayerVersion/);
    const contentUri = /ContentUri: (\S+)/.exec(text)![1]!;
    expect(path.resolve(ROOT, 'layer', contentUri)).toBe(path.join(DIST, 'ferry-layer.zip'));
    expect(existsSync(path.resolve(ROOT, 'layer', contentUri))).toBe(true);
    expect(list('CompatibleArchitectures')).toEqual(['x86_64', 'arm64']);
    expect(list('CompatibleRuntimes')).toEqual(['nodejs20.x', 'nodejs22.x', 'nodejs24.x']);
  });
});
