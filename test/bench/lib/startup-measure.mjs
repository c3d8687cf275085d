// Start-up figures for the built adapter (dist/layer/extensions/ferry), for `npm run bench`
// (startup.mjs: the registration figure and the cold-start cross-check) and
// test/packaging/startup-measure.test.ts. Plain JavaScript so `node` can import it without a
// TypeScript loader.
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
// The Lambda side is lambda-stub.mjs, not the project's emulator (see there why). Every figure is
// a stats.mjs spread in ms, plus its p90.
//
// @example
//   import { measureRegistration, measureColdStart } from './test/bench/lib/startup-measure.mjs';
//   const reg = await measureRegistration({ runs: 20 });     // reg.ferry.median, reg.ratio
//   const cold = await measureColdStart({ mode: 'runtime', runs: 5 });
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.mjs';
import { startLambdaStub } from './lambda-stub.mjs';
import { childrenOf, memoryKiB } from './proc.mjs';
import { percentile, ratio, spread } from './stats.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_FERRY = path.join(ROOT, 'dist/layer/extensions/ferry');
/** The default app: the repository's Fastify example. */
export const DEFAULT_APP = ['node', path.join(ROOT, 'apps/fastify/server.js')];

/**
 * @typedef {import('./core.mjs').Spread & { p90: number }} Spread
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
  const result = { runs, node: nodeVersion(options), ferry: msSpread(ferry), nodeNoop: msSpread(noop), nodeRegister: msSpread(floor) };
  return { ...result, ratio: ratio(result.ferry, result.nodeNoop), ratioToFloor: ratio(result.ferry, result.nodeRegister) };
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
    firstResponse: msSpread(firstResponse),
    initDone: msSpread(initDone),
    ...(mode === 'extension' ? { registered: msSpread(registered) } : {}),
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
      rssAfterInit = memoryKiB(ferry.child.pid)?.rss;
      lambda.queueInvocation();
    }
    const response = await lambda.wait('response', ferry);
    if (response.status !== 200) throw new Error(`the first invocation answered ${response.status}: ${response.body.slice(0, 300)}`);
    const firstResponse = response.at - t0;
    let rssAfterInvoke;
    if (rss) {
      await delay(rss.rssAfterMs);
      rssAfterInvoke = memoryKiB(ferry.child.pid)?.rss;
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
    // Runtime mode's Ferry starts the app in a process group of its own: stop the whole tree.
    for (const pid of [entry.child.pid, ...descendantsOf(entry.child.pid)]) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    }
  }
  await entry.exited;
}

function descendantsOf(pid) {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
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

let cachedPort;
/** Registration runs never reach the app: one unused port is enough for all of them. */
async function freePortCached() {
  cachedPort ??= await freePort();
  return cachedPort;
}

/** A stats.mjs spread of milliseconds (two decimals) with its nearest-rank p90. */
export function msSpread(samples) {
  return { ...spread(samples, 'ms', 2), p90: Number(percentile(samples, 90).toFixed(2)) };
}

// `node test/bench/lib/startup-measure.mjs [runs]`: print the figures as JSON.
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
  console.log(JSON.stringify(out, (key, value) => (key === 'samples' ? undefined : value), 2));
}
