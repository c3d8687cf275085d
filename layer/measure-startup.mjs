// Start-up figures for the built adapter (dist/layer/extensions/ferry), for `npm run bench` and
// the packaging tests. Plain JavaScript so `node` can import it without a TypeScript loader.
//
//   measureRegistration   spawn → Ferry's /extension/register reaches the Lambda API, against
//                         spawn → exit of `node -e 0`, runs interleaved. Lambda starts the function's
//                         process only after every extension registered: this adds to every cold start.
//   measureColdStart      spawn of the first process → Ferry posts the first /response, with an
//                         invocation already waiting (an on-demand cold start), in either mode:
//                           extension  Lambda's order: Ferry starts and registers, then the app starts
//                           runtime    `ferry -- <app>` is the function's process and starts the app
//   measureIdleRss        Ferry's resident memory once Init is done, and after one invocation.
//
// The Lambda side is a minimal in-file stub of the Runtime and Extensions APIs (register, event/next,
// invocation/next, response, errors), not the project's emulator: the emulator is TypeScript, and
// the stub keeps the measuring process's own work small and identical in both modes.
//
// @example
//   import { measureRegistration, measureColdStart } from './layer/measure-startup.mjs';
//   const reg = await measureRegistration({ runs: 20 });     // reg.ferry.medianMs, reg.ratio
//   const cold = await measureColdStart({ mode: 'runtime', runs: 5 });
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_FERRY = path.join(ROOT, 'dist/layer/extensions/ferry');
/** The default app: the repository's Fastify example. */
export const DEFAULT_APP = ['node', path.join(ROOT, 'apps/fastify/server.js')];
const RUN_TIMEOUT_MS = 20_000;

/**
 * @typedef {{ medianMs: number, p90Ms: number, minMs: number, maxMs: number, samplesMs: number[] }} Spread
 * @typedef {{ ferryPath?: string, runs?: number, node?: string, env?: Record<string, string> }} CommonOptions
 *   `node`: the Node binary. Ferry is spawned as Lambda does (the file itself, its `#!/usr/bin/env node`
 *   line picks the first `node` on PATH), so this directory goes first on PATH. Default: this process's.
 *   `env`: extra variables for every process (e.g. NODE_COMPILE_CACHE).
 */

/**
 * Spawn → registered, against `node -e 0` (spawn → exit) and a bare Node script that registers
 * with node:http (the floor for any Node extension), interleaved run by run.
 * @param {CommonOptions} [options]
 * @returns {Promise<{ runs: number, node: string, ferry: Spread, nodeNoop: Spread, nodeRegister: Spread, ratio: number, ratioToFloor: number }>}
 */
export async function measureRegistration(options = {}) {
  const { ferryPath = DEFAULT_FERRY, runs = 20 } = options;
  const env = baseEnv(options);
  const ferry = [];
  const noop = [];
  const floor = [];
  const bareRegister = `const r=require('node:http').request({host:'127.0.0.1',port:+process.env.AWS_LAMBDA_RUNTIME_API.split(':')[1],method:'POST',path:'/2020-01-01/extension/register',headers:{'lambda-extension-name':'bare'}},(s)=>s.resume());r.end('{"events":["SHUTDOWN"]}')`;
  for (let run = 0; run < runs; run++) {
    // Rotate the order so drift in the machine's load does not favour one of the three.
    const steps = [
      async () => noop.push(await timeToExit([nodeBin(options), '-e', '0'], env)),
      async () => ferry.push(await timeToRegister([ferryPath], env)),
      async () => floor.push(await timeToRegister([nodeBin(options), '-e', bareRegister], env)),
    ];
    for (let i = 0; i < steps.length; i++) await steps[(run + i) % steps.length]();
  }
  const result = { runs, node: nodeVersion(options), ferry: spread(ferry), nodeNoop: spread(noop), nodeRegister: spread(floor) };
  return {
    ...result,
    ratio: round(result.ferry.medianMs / result.nodeNoop.medianMs, 3),
    ratioToFloor: round(result.ferry.medianMs / result.nodeRegister.medianMs, 3),
  };
}

/**
 * Spawn → first response of a cold start, an invocation already queued.
 * @param {CommonOptions & { mode?: 'extension' | 'runtime', app?: string[] }} [options]
 * @returns {Promise<{ mode: string, runs: number, node: string, firstResponse: Spread, initDone: Spread, registered?: Spread }>}
 */
export async function measureColdStart(options = {}) {
  const { mode = 'extension', runs = 5 } = options;
  const firstResponse = [];
  const initDone = [];
  const registered = [];
  for (let run = 0; run < runs; run++) {
    const sample = await coldStartOnce(options, mode);
    firstResponse.push(sample.firstResponse);
    initDone.push(sample.initDone);
    if (sample.registered !== undefined) registered.push(sample.registered);
  }
  return {
    mode,
    runs,
    node: nodeVersion(options),
    firstResponse: spread(firstResponse),
    initDone: spread(initDone),
    ...(mode === 'extension' ? { registered: spread(registered) } : {}),
  };
}

/**
 * Ferry's resident set size (VmRSS, KiB) once Init is done and after one invocation, Linux only.
 * @param {CommonOptions & { mode?: 'extension' | 'runtime', app?: string[], settleMs?: number }} [options]
 * @returns {Promise<{ mode: string, afterInitKiB: number, afterInvokeKiB: number }>}
 */
export async function measureIdleRss(options = {}) {
  const { mode = 'extension', settleMs = 500 } = options;
  const sample = await coldStartOnce(options, mode, { holdInvocationMs: settleMs, rssAfterMs: settleMs });
  return { mode, afterInitKiB: sample.rssAfterInit, afterInvokeKiB: sample.rssAfterInvoke };
}

async function coldStartOnce(options, mode, rss = undefined) {
  const { ferryPath = DEFAULT_FERRY, app = DEFAULT_APP } = options;
  const lambda = await startLambdaStub();
  const port = await freePort();
  const env = { ...baseEnv(options), AWS_LAMBDA_RUNTIME_API: lambda.address, PORT: String(port) };
  const functionEnv = { ...env, _HANDLER: 'run.sh', LAMBDA_TASK_ROOT: ROOT };
  const processes = [];
  try {
    if (!rss) lambda.queueInvocation();
    const t0 = performance.now();
    let ferry;
    let registered;
    if (mode === 'extension') {
      ferry = launch([ferryPath], env, processes);
      registered = (await lambda.wait('registered', ferry)) - t0;
      launch(app, functionEnv, processes);
    } else {
      ferry = launch([ferryPath, '--', ...app], functionEnv, processes);
    }
    const initDone = (await lambda.wait('init-done', ferry)) - t0;
    let rssAfterInit;
    if (rss) {
      await delay(rss.holdInvocationMs);
      rssAfterInit = readRssKiB(ferry.child.pid);
      lambda.queueInvocation();
    }
    const response = await lambda.wait('response', ferry);
    if (response.status !== 200) throw new Error(`the first invocation answered ${response.status}: ${response.body.slice(0, 300)}`);
    const firstResponse = response.at - t0;
    let rssAfterInvoke;
    if (rss) {
      await delay(rss.rssAfterMs);
      rssAfterInvoke = readRssKiB(ferry.child.pid);
    }
    return { firstResponse, initDone, registered, rssAfterInit, rssAfterInvoke };
  } finally {
    await Promise.all(processes.map(stopGroup));
    await lambda.close();
  }
}

// ---- processes ----

function launch(command, env, processes) {
  const [file, ...args] = command;
  // Own process group: runtime mode's app (Ferry's child) is stopped with Ferry.
  const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const entry = { child, stderr: '', exited: once(child, 'exit').catch(() => undefined) };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => (entry.stderr = (entry.stderr + text).slice(-4000)));
  child.on('error', (error) => (entry.stderr += `could not start ${file}: ${error.message}\n`));
  processes.push(entry);
  return entry;
}

async function stopGroup(entry) {
  if (entry.child.exitCode === null && entry.child.signalCode === null) {
    try {
      process.kill(-entry.child.pid, 'SIGKILL');
    } catch {
      entry.child.kill('SIGKILL');
    }
  }
  await entry.exited;
}

async function timeToExit(command, env) {
  const [file, ...args] = command;
  const t0 = performance.now();
  const child = spawn(file, args, { env, stdio: 'ignore' });
  await once(child, 'exit');
  return performance.now() - t0;
}

async function timeToRegister(command, env) {
  const lambda = await startLambdaStub();
  const processes = [];
  try {
    const t0 = performance.now();
    const entry = launch(command, { ...env, AWS_LAMBDA_RUNTIME_API: lambda.address, PORT: String(await freePortCached()) }, processes);
    return (await lambda.wait('registered', entry)) - t0;
  } finally {
    await Promise.all(processes.map(stopGroup));
    await lambda.close();
  }
}

// ---- the Lambda side ----

const EVENT = JSON.stringify({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/',
  rawQueryString: '',
  headers: { host: 'abc123.lambda-url.us-east-1.on.aws', 'x-forwarded-proto': 'https', 'x-forwarded-port': '443' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'abc123.lambda-url.us-east-1.on.aws',
    domainPrefix: 'abc123',
    http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'ferry-measure-startup' },
    requestId: 'measure',
    routeKey: '$default',
    stage: '$default',
    time: '01/Jan/2026:00:00:00 +0000',
    timeEpoch: 1767225600000,
  },
  isBase64Encoded: false,
});

/** Just enough of the Runtime and Extensions APIs for one cold start, with arrival timestamps. */
async function startLambdaStub() {
  const seen = new Map(); // name → value, first occurrence only
  const waiters = new Map(); // name → [resolve]
  const held = new Set();
  let failure; // an /init/error: every wait fails with it
  let queued = false;
  let waitingNext;
  const record = (name, value) => {
    if (seen.has(name)) return;
    seen.set(name, value);
    for (const resolve of waiters.get(name) ?? []) resolve(value);
    waiters.delete(name);
  };
  const deliver = (res) => {
    const requestId = randomUUID();
    res.writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': requestId,
      'lambda-runtime-deadline-ms': String(Date.now() + 30_000),
      'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:123456789012:function:measure',
      'lambda-runtime-trace-id': 'Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0',
    });
    res.end(EVENT);
  };
  const server = http.createServer((req, res) => {
    const at = performance.now();
    const url = req.url ?? '';
    if (req.method === 'POST' && url === '/2020-01-01/extension/register') {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'lambda-extension-identifier': randomUUID() });
      res.end(JSON.stringify({ functionName: 'measure', functionVersion: '$LATEST', handler: 'run.sh' }));
      return record('registered', at);
    }
    if (url === '/2020-01-01/extension/event/next' || url === '/2018-06-01/runtime/invocation/next') {
      held.add(res);
      res.on('close', () => held.delete(res));
      if (url.startsWith('/2018')) {
        record('init-done', at);
        if (queued) {
          queued = false;
          deliver(res);
        } else waitingNext = res;
      }
      return;
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"status":"OK"}');
      if (url.endsWith('/response')) {
        let status = 0;
        try {
          status = JSON.parse(body).statusCode ?? 0;
        } catch {
          // A non-JSON answer is reported through status 0 and the body.
        }
        record('response', { at, status, body });
      } else if (url.endsWith('/init/error')) {
        failure = new Error(`Ferry reported an Init error: ${body.slice(0, 500)}`);
        for (const list of waiters.values()) for (const settle of list) settle(undefined);
      } else if (url.endsWith('/error')) {
        record('response', { at, status: -1, body });
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    address: `127.0.0.1:${port}`,
    queueInvocation() {
      if (waitingNext) {
        const res = waitingNext;
        waitingNext = undefined;
        deliver(res);
      } else queued = true;
    },
    /** The first `name` event; fails early when `process` exits first or nothing happens in time. */
    wait(name, process) {
      if (seen.has(name)) return Promise.resolve(seen.get(name));
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${name} within ${RUN_TIMEOUT_MS} ms. Ferry's stderr:\n${process.stderr}`)), RUN_TIMEOUT_MS);
        const done = (value) => {
          clearTimeout(timer);
          if (failure) reject(failure);
          else resolve(value);
        };
        waiters.set(name, [...(waiters.get(name) ?? []), done]);
        process.exited.then(() => {
          clearTimeout(timer);
          if (!seen.has(name)) reject(new Error(`the process exited (code ${process.child.exitCode}) before ${name}. Its stderr:\n${process.stderr}`));
        });
      });
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// ---- helpers ----

function baseEnv(options) {
  const dir = options.node ? path.dirname(options.node) : path.dirname(process.execPath);
  return { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: process.env.HOME ?? '/tmp', ...options.env };
}

function nodeBin(options) {
  return options.node ?? process.execPath;
}

const versions = new Map();
function nodeVersion(options) {
  const bin = nodeBin(options);
  if (!versions.has(bin)) versions.set(bin, bin === process.execPath ? process.version : execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim());
  return versions.get(bin);
}

function readRssKiB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let cachedPort;
/** Registration runs never reach the app: one unused port is enough for all of them. */
async function freePortCached() {
  cachedPort ??= await freePort();
  return cachedPort;
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round(value, digits) {
  return Number(value.toFixed(digits));
}

/** Median and p90 by nearest rank. */
export function spread(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return {
    medianMs: round(rank(0.5), 2),
    p90Ms: round(rank(0.9), 2),
    minMs: round(sorted[0], 2),
    maxMs: round(sorted[sorted.length - 1], 2),
    samplesMs: sorted.map((s) => round(s, 2)),
  };
}

// `node layer/measure-startup.mjs [runs]`: print the figures as JSON.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 20);
  const out = {
    registration: await measureRegistration({ runs }),
    coldStart: {
      extension: await measureColdStart({ mode: 'extension', runs: Math.max(3, Math.round(runs / 4)) }),
      runtime: await measureColdStart({ mode: 'runtime', runs: Math.max(3, Math.round(runs / 4)) }),
    },
    idleRss: { extension: await measureIdleRss({ mode: 'extension' }), runtime: await measureIdleRss({ mode: 'runtime' }) },
  };
  console.log(JSON.stringify(out, (key, value) => (key === 'samplesMs' ? undefined : value), 2));
}
