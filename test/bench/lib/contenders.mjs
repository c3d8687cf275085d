// How each contender is started and asked for one response. Every contender runs the same app
// (apps/fastify/app.js, or apps/stream-app.mjs for the streaming figures) on the same `node`.
//
//   direct          undici → the app on 127.0.0.1 (the floor: no Lambda at all)
//   floor           emulator → a no-op runtime (the Runtime API round trip alone; context, not a peer)
//   ferry-buffered  emulator → Ferry (external extension, buffered) → the app
//   ferry-stream    emulator → Ferry (external extension, AWS_LWA_INVOKE_MODE=response_stream) → the app
//   bare-relay      emulator → apps/bare-relay.mjs (an extension that only relays: undici, node:http) → the app
//   ferry-runtime   emulator → `ferry -- node server.js` (Ferry is the function process) → the app
//   ferry-inline    emulator → `node --import ferry-inline.mjs server.js`: Ferry inside the app's process, buffered
//   ferry-inline-stream  the same with AWS_LWA_INVOKE_MODE=response_stream
//   in-process      emulator → aws-lambda-ric (or the JS loop fallback) → @fastify/aws-lambda → app.inject
//   main:<name>     a Ferry contender above, run with the baseline build (baseline.mjs) instead of today's
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Client, Pool } from 'undici';
import { freePort } from './free-port.mjs';
import { childrenOf } from './proc.mjs';

export const LABELS = {
  direct: 'direct (undici → app)',
  floor: 'emulator round trip (no-op runtime)',
  'ferry-buffered': 'Ferry extension, buffered',
  'ferry-stream': 'Ferry extension, response_stream',
  'bare-relay': 'bare relay (undici → node:http upload, no logic)',
  'ferry-runtime': 'Ferry runtime mode (ferry -- node server.js)',
  'ferry-inline': 'Ferry inline, buffered (node --import ferry-inline.mjs)',
  'ferry-inline-stream': 'Ferry inline, response_stream',
  'in-process': 'in-process (aws-lambda-ric + @fastify/aws-lambda)',
  'in-process-js': 'in-process (JS runtime loop, not aws-lambda-ric)',
};
const BASELINE = 'main:';

/** Headers a browser request to a Function URL carries; the direct client sends the same ones. */
export const REQUEST_HEADERS = {
  accept: 'application/json, text/plain, */*',
  'accept-encoding': 'gzip, deflate, br',
  'accept-language': 'en-GB,en;q=0.9',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'x-amzn-trace-id': 'Root=1-66a1b2c3-0123456789abcdef01234567',
  'x-forwarded-for': '203.0.113.7',
};

export function label(name, ctx) {
  if (name === 'in-process' && !ctx.ric) return LABELS['in-process-js'];
  if (name.startsWith(BASELINE)) return `${LABELS[name.slice(BASELINE.length)]}, main (${ctx.baseline?.commit ?? 'baseline'})`;
  return LABELS[name] ?? name;
}

export function appCommand(ctx, app) {
  return [ctx.node, app === 'stream' ? path.join(ctx.root, 'test/bench/apps/stream-app.mjs') : path.join(ctx.root, 'apps/fastify/server.js')];
}

/** Every process of a contender sees `node` = the benchmark's Node first on PATH (Ferry's shebang is `env node`). */
function sandboxEnv(ctx, extra) {
  return { PATH: `${path.dirname(ctx.node)}:${process.env.PATH ?? '/usr/bin:/bin'}`, ...extra };
}

/**
 * Start a contender and wait until it can answer.
 * @returns {Promise<Contender>} `{ name, request(spec, invokeOptions) → {ms, status, result}, pids(), emulator?, close() }`
 */
export async function startContender(name, ctx, options = {}) {
  return name === 'direct' ? startDirect(ctx, options) : startLambda(name, ctx, options);
}

async function startDirect(ctx, { app = 'fastify', connections = 1 } = {}) {
  const port = await freePort();
  const child = spawn(appCommand(ctx, app)[0], appCommand(ctx, app).slice(1), {
    env: sandboxEnv(ctx, { PORT: String(port) }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit').catch(() => undefined);
  try {
    await waitForHttp(port, 15_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  return {
    name: 'direct',
    port,
    pids: () => ({ app: child.pid }),
    async request(spec = {}) {
      const t0 = performance.now();
      const res = await pool.request({ method: 'GET', path: spec.path ?? '/', headers: { ...REQUEST_HEADERS, ...spec.headers } });
      await res.body.dump();
      return { ms: performance.now() - t0, status: res.statusCode };
    },
    /** The raw undici pool, for the streaming and SSE readers. */
    pool,
    async close() {
      await pool.close().catch(() => undefined);
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Poll `GET /` every `pauseMs` (10: as Ferry's readiness check starts) until the app answers; resolves ms waited. */
export async function waitForHttp(port, timeoutMs, pauseMs = 10) {
  const started = performance.now();
  const client = new Client(`http://127.0.0.1:${port}`, { pipelining: 1 });
  try {
    while (true) {
      try {
        const res = await client.request({ method: 'GET', path: '/', headersTimeout: 1000, bodyTimeout: 1000 });
        await res.body.dump();
        return performance.now() - started;
      } catch (error) {
        if (performance.now() - started > timeoutMs) throw new Error(`the app on port ${port} did not answer within ${timeoutMs} ms: ${error.message}`);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
  } finally {
    await client.destroy().catch(() => undefined);
  }
}

/**
 * An executable that joins `box` (lambda-box.mjs) and execs `bin`, named like it (Ferry names
 * itself after its file when it registers).
 */
function boxedExecutable(box, bin) {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-box-')), path.basename(bin));
  writeFileSync(file, `#!/bin/sh\n${box.enter}\nexec "${bin}" "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

/**
 * Start the emulator and a sandbox for a Lambda-side contender. With `waitForInit: false` it
 * returns as soon as the processes are started (the cold-start measurement queues its first
 * invocation right then). With `box` (lambda-box.mjs), every process of the sandbox runs in it;
 * the emulator (the platform) stays outside.
 */
export async function startLambda(
  name,
  ctx,
  { app = 'fastify', emulator: emulatorOptions = {}, env = {}, extEnv = {}, ferryBin = ctx.ferryBin, waitForInit = true, onStarted, box } = {},
) {
  if (name.startsWith(BASELINE)) {
    if (!ctx.baseline?.ferryBin) throw new Error(`no baseline build: ${ctx.baseline?.error ?? 'not requested'}`);
    return startLambda(name.slice(BASELINE.length), ctx, {
      app,
      emulator: emulatorOptions,
      env,
      extEnv,
      ferryBin: ctx.baseline.ferryBin,
      waitForInit,
      onStarted,
      box,
    }).then((c) => Object.assign(c, { name }));
  }
  const boxed = (command) => (box ? box.wrap(command) : command);
  const boxedExtension = (bin) => (box ? boxedExecutable(box, bin) : bin);
  const { startEmulator, startSandbox } = ctx.harness;
  const inProcess = name === 'in-process';
  const emulator = await startEmulator({
    timeoutMs: 60_000,
    ...(inProcess ? { handler: 'fastify-lambda.handler' } : {}),
    ...emulatorOptions,
  });
  const port = await freePort();
  const streamed = name === 'ferry-stream' || name === 'ferry-inline-stream' || name === 'bare-relay';
  const sandboxEnvironment = sandboxEnv(ctx, {
    PORT: String(port),
    ...(streamed && name !== 'bare-relay' ? { AWS_LWA_INVOKE_MODE: 'response_stream' } : {}),
    ...env,
  });
  const bareRelay = path.join(ctx.root, 'test/bench/apps/bare-relay.mjs');
  let sandbox;
  const startedAt = performance.now();
  onStarted?.(startedAt, emulator);
  try {
    if (name === 'ferry-buffered' || name === 'ferry-stream' || name === 'bare-relay') {
      const extension = name === 'bare-relay' ? bareRelay : ferryBin;
      sandbox = await startSandbox({
        emulator,
        extensions: [{ path: boxedExtension(extension), env: extEnv }],
        runtime: { command: boxed(appCommand(ctx, app)), cwd: ctx.root },
        env: sandboxEnvironment,
      });
    } else if (name === 'ferry-runtime') {
      sandbox = await startSandbox({
        emulator,
        // The executable itself, as an image's CMD runs it: its launcher line starts node (layer/build.mjs).
        runtime: { command: boxed([ferryBin, '--', ...appCommand(ctx, app)]), cwd: ctx.root, env: extEnv },
        env: sandboxEnvironment,
      });
    } else if (isInline(name)) {
      // The layer's module beside the extension's folder (dist/layer/ferry-inline.mjs).
      const inline = pathToFileURL(path.join(path.dirname(path.dirname(ferryBin)), 'ferry-inline.mjs')).href;
      sandbox = await startSandbox({
        emulator,
        runtime: { command: boxed(appCommand(ctx, app)), cwd: ctx.root, env: { NODE_OPTIONS: `--import=${inline}`, ...extEnv } },
        env: sandboxEnvironment,
      });
    } else if (name === 'floor') {
      sandbox = await startSandbox({
        emulator,
        runtime: { command: boxed([ctx.node, path.join(ctx.root, 'test/bench/apps/noop-runtime.mjs')]), cwd: ctx.root },
        env: sandboxEnvironment,
      });
    } else if (inProcess) {
      const command = ctx.ric ? [ctx.node, ctx.ric] : [ctx.node, path.join(ctx.root, 'test/bench/apps/js-runtime-loop.mjs')];
      // aws-lambda-ric does not echo Lambda-Runtime-Invocation-Id yet: its invocations go out without one (an older platform).
      sandbox = await startSandbox({ emulator, runtime: { command: boxed(command), cwd: path.join(ctx.root, 'test/bench/apps') }, env: sandboxEnvironment });
    } else {
      throw new Error(`unknown contender ${name}`);
    }
    if (waitForInit) await emulator.waitFor('init-done', undefined, 20_000);
  } catch (error) {
    const tail =
      sandbox?.logs
        .slice(-10)
        .map((l) => `  [${l.source}] ${l.line}`)
        .join('\n') ?? '';
    await sandbox?.stop(undefined, { windowMs: 200 }).catch(() => undefined);
    await emulator.close();
    throw new Error(`${name} did not start: ${error.message}${tail ? `\n${tail}` : ''}`);
  }

  const noNonce = inProcess && ctx.ric ? { invocationId: null } : {};
  const events = new Map();
  const eventFor = (spec) => {
    const key = `${spec.path ?? '/'}?${spec.query ?? ''}`;
    let event = events.get(key);
    if (!event)
      events.set(
        key,
        (event = ctx.harness.functionUrlEvent({ path: spec.path ?? '/', query: spec.query ?? '', headers: { ...REQUEST_HEADERS, ...spec.headers } })),
      );
    return event;
  };

  return {
    name,
    port,
    emulator,
    sandbox,
    startedAt,
    pids() {
      const bySource = Object.fromEntries(sandbox.processes.map((p) => [path.basename(p.spawnfile), p.pid]));
      const runtimePid = sandbox.runtime.pid;
      if (name === 'ferry-runtime') return { ferry: runtimePid, app: childrenOf(runtimePid)[0] };
      // Inline, Ferry and the app are one process.
      if (isInline(name)) return { ferry: runtimePid };
      if (name.startsWith('ferry')) return { ferry: bySource.ferry, app: runtimePid };
      if (name === 'bare-relay') return { relay: bySource[path.basename(bareRelay)], app: runtimePid };
      return { runtime: runtimePid };
    },
    async request(spec = {}, invokeOptions = {}) {
      const t0 = performance.now();
      const result = await emulator.invoke(eventFor(spec), { ...noNonce, ...invokeOptions });
      const ms = performance.now() - t0;
      let status;
      if (result.outcome !== 'response') status = `${result.outcome}:${result.errorType ?? ''}`;
      else if (result.streamed) status = result.prelude?.statusCode ?? `no prelude (${result.preludeError})`;
      else status = result.json().statusCode;
      return { ms, status, result, streamed };
    },
    async close() {
      await sandbox.stop().catch(() => undefined);
      await emulator.close();
    },
  };
}

/** Whether a contender runs Ferry inside the app's process. */
export function isInline(name) {
  return name === 'ferry-inline' || name === 'ferry-inline-stream';
}
