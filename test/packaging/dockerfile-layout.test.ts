/**
 * The top-level Dockerfile, checked without a Docker engine (none on the project's machines):
 * its stages are rebuilt as directories (test/packaging/dockerfile.ts), then the image's files are
 * started the way Lambda starts a container image (every /opt/extensions executable first, then
 * CMD) and, separately, the way any other container runtime would (CMD alone).
 *
 * Not verified here: an actual `docker build` (base image contents, npm against the registry, the
 * image's own `node`), and running on Lambda itself. The RUN lines are emulated; each rule names why.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../adapter/local/emulator/index.ts';
import { startSandbox, type Sandbox } from '../../adapter/local/sandbox.ts';
import { functionUrlEvent } from '../helpers/events.ts';
import { freePort } from '../../adapter/local/free-port.ts';
import { ROOT } from '../helpers/ferry.ts';
import { buildLayout, parseDockerfile, type RunRule, type Stage } from './dockerfile.ts';

const RULES: RunRule[] = [
  {
    match: /^npm ci --no-audit --no-fund$/,
    reason: "no registry in tests: the repository's node_modules, installed from the same package-lock.json, is linked in",
    run: ({ cwd }) => symlinkSync(path.join(ROOT, 'node_modules'), path.join(cwd, 'node_modules'), 'dir'),
  },
  {
    match: /^npm run build$/,
    reason: 'run for real (node layer/build.mjs) on the files the stage copied, so a missing COPY fails here',
    run: ({ cwd }) => {
      execFileSync(process.execPath, ['layer/build.mjs'], { cwd, stdio: 'pipe' });
    },
  },
  {
    match: /^npm ci --omit=dev\b/,
    reason:
      "no registry in tests: exactly the packages of the stage's package-lock.json are copied from the repository's node_modules, each checked to be the locked version",
    run: ({ cwd }) => installFromLock(cwd),
  },
];

/** `npm ci --omit=dev` from the lock, with the repository's installed copies as the registry. */
function installFromLock(cwd: string): void {
  const lock = JSON.parse(readFileSync(path.join(cwd, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; dev?: boolean }> };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.dev) continue;
    const installed = path.join(ROOT, key);
    const version = existsSync(installed) ? (JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { version: string }).version : undefined;
    if (version !== entry.version) throw new Error(`${key}: the lock says ${entry.version}, the repository has ${version ?? 'nothing'}`);
    const top = installed.length;
    cpSync(installed, path.join(cwd, key), { recursive: true, filter: (file) => !file.slice(top).includes(`${path.sep}node_modules`) });
  }
}

let out: string;
let layout: ReturnType<typeof buildLayout>;
beforeAll(() => {
  out = mkdtempSync(path.join(os.tmpdir(), 'ferry-image-'));
  layout = buildLayout({ dockerfile: path.join(ROOT, 'Dockerfile'), context: ROOT, out, run: RULES });
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const inImage = (image: Stage, p: string) => path.join(image.root, path.posix.resolve(image.workdir, p));

describe('Dockerfile', () => {
  it('is multi-stage: Ferry and the app are built in their own stages, the image is a plain Node one', () => {
    const instructions = parseDockerfile(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
    expect(instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args)).toEqual(['node:22-slim AS ferry', 'node:22-slim AS app', 'node:22-slim']);
    expect(layout.runs.map((r) => r.command)).toEqual(['npm ci --no-audit --no-fund', 'npm run build', 'npm ci --omit=dev --no-audit --no-fund']);
  });

  it('copies sources that all exist (in the context, not excluded by .dockerignore, or built by an earlier stage)', () => {
    // buildLayout throws on a missing or ignored source; here: the COPY lines it carried out.
    expect(layout.copies.map((c) => `${c.from}:${c.sources.join(',')}`)).toEqual([
      'context:package.json,package-lock.json',
      'context:tsconfig.json',
      'context:adapter',
      'context:layer',
      'context:apps/fastify/package.json,apps/fastify/package-lock.json',
      'context:apps/fastify/app.js,apps/fastify/server.js',
      'ferry:/src/dist/layer/extensions/ferry',
      'app:/app',
    ]);
  });

  it('puts an executable Ferry at /opt/extensions/ferry, and the app with its dependencies but no dev tooling in /app', () => {
    const { image } = layout;
    const ferry = path.join(image.root, 'opt/extensions/ferry');
    expect(statSync(ferry).mode & 0o111).toBe(0o111);
    // sh reads the first two lines and execs node with Ferry's Node options (layer/build.mjs launcher()).
    expect(readFileSync(ferry, 'utf8').split('\n').slice(0, 2)).toEqual(['#!/bin/sh', `':' //; exec node --v8-pool-size=1 "$0" "$@"`]);
    expect(image.workdir).toBe('/app');
    for (const file of ['server.js', 'app.js', 'package.json', 'node_modules/fastify/package.json']) expect(existsSync(inImage(image, file)), file).toBe(true);
    for (const absent of ['node_modules/vitest', 'node_modules/esbuild', 'node_modules/undici', 'adapter', 'test'])
      expect(existsSync(inImage(image, absent)), absent).toBe(false);
  });

  it('sets PORT=8080 and runs the app as CMD', () => {
    expect(layout.image.env).toMatchObject({ PORT: '8080', NODE_ENV: 'production' });
    expect(layout.image.cmd).toEqual(['node', 'server.js']);
    expect(layout.image.exposed).toEqual(['8080']);
  });
});

describe('the image, started from its files', () => {
  let emulator: Emulator | undefined;
  let sandbox: Sandbox | undefined;
  afterAll(async () => {
    await sandbox?.stop().catch(() => undefined);
    await emulator?.close();
  });

  it("on Lambda: /opt/extensions/ferry registers, then CMD starts, and an invocation gets the app's 200", async () => {
    const { image } = layout;
    emulator = await startEmulator();
    // The image's ENV, except PORT: 8080 may be taken on this machine (the value is checked above).
    const env = { ...image.env, PORT: String(await freePort()) };
    sandbox = await startSandbox({
      emulator,
      extensions: [{ path: path.join(image.root, 'opt/extensions/ferry') }],
      runtime: { command: image.cmd!, cwd: path.join(image.root, image.workdir) },
      env,
    });
    await emulator.waitFor('init-done', undefined, 15_000);
    expect(emulator.extensions.map((e) => e.name)).toEqual(['ferry']);
    const result = await emulator.invoke(functionUrlEvent({ path: '/users/7', query: 'a=1' }));
    expect(result.json()).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(result.json().body)).toEqual({ id: '7', query: { a: '1' } });
  });

  it('elsewhere: CMD alone is an ordinary web server on PORT, and nothing starts Ferry', async () => {
    const { image } = layout;
    const port = await freePort();
    const child = spawn(image.cmd![0]!, image.cmd!.slice(1), {
      cwd: path.join(image.root, image.workdir),
      env: { PATH: process.env.PATH, ...image.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const body = await expectAnswer(`http://127.0.0.1:${port}/`, 10_000);
      expect(JSON.parse(body)).toEqual({ hello: 'world', framework: 'fastify' });
    } finally {
      child.kill('SIGKILL');
    }
  });
});

async function expectAnswer(url: string, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return await res.text();
      await res.body?.cancel();
      if (Date.now() > until) throw new Error(`${url} answered ${res.status}`);
    } catch (error) {
      if (Date.now() > until) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
