// The benchmark's core, shared by `npm run bench` (test/bench/run.mjs) and the smoke test
// (test/bench/smoke.test.ts): given a context (which `node`, the Ferry executable, the emulator
// harness) and a size preset, run every section and return one results object.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { measureConcurrency } from './concurrency.mjs';
import { measureProfile } from './profile.mjs';
import { measureBundle } from './size.mjs';
import { measureColdStart, measureRegistration } from './startup.mjs';
import { measureSse, measureStreaming } from './streaming.mjs';
import { measureWarm } from './warm.mjs';
import { measureWeight } from './weight.mjs';
import { evaluateGoals } from './goals.mjs';
import { recordedPath } from './proc.mjs';

export const PRESETS = {
  full: {
    rounds: 5,
    warmup: 500,
    invocations: 2000,
    settleMs: 300,
    coldRuns: 8,
    registrationRuns: 30,
    streamMiB: 190,
    streamRounds: 5,
    streamsPerStart: 4,
    sseEvents: 12,
    sseIntervalMs: 250,
    sseRounds: 3,
    mcLevels: [1, 4, 16, 64],
    mcInvocations: 2000,
    mcWarmup: 200,
    mcRounds: 3,
    mcTimeoutMs: 120_000,
    profileInvocations: 5000,
    layerCrossCheck: true,
    weightBoxes: [512, 1024, 1769],
    weightRounds: 2,
    weightColdStarts: 8,
    weightInvocations: 5000,
    weightLongInvocations: 20000,
    weightCpuRuns: 8,
  },
  quick: {
    rounds: 1,
    warmup: 20,
    invocations: 100,
    settleMs: 100,
    coldRuns: 1,
    registrationRuns: 3,
    streamMiB: 16,
    streamRounds: 1,
    streamsPerStart: 2,
    sseEvents: 4,
    sseIntervalMs: 250,
    sseRounds: 1,
    mcLevels: [1, 4, 16, 64],
    mcInvocations: 100,
    mcWarmup: 10,
    mcRounds: 1,
    mcTimeoutMs: 30_000,
    profileInvocations: 300,
    layerCrossCheck: true,
    weightBoxes: [512, 1024, 1769],
    weightRounds: 1,
    weightColdStarts: 2,
    weightInvocations: 200,
    weightLongInvocations: 400,
    weightCpuRuns: 2,
  },
  smoke: {
    rounds: 1,
    warmup: 2,
    invocations: 8,
    settleMs: 0,
    coldRuns: 1,
    registrationRuns: 2,
    streamMiB: 1,
    streamRounds: 1,
    streamsPerStart: 2,
    sseEvents: 2,
    sseIntervalMs: 250,
    sseRounds: 1,
    mcLevels: [4],
    mcInvocations: 12,
    mcWarmup: 4,
    mcRounds: 1,
    mcTimeoutMs: 15_000,
    profileInvocations: 0,
    layerCrossCheck: false,
    weightBoxes: [1769],
    weightRounds: 1,
    weightColdStarts: 2,
    weightInvocations: 3,
    weightLongInvocations: 4,
    weightCpuRuns: 1,
  },
};

export const SECTIONS = ['bundle', 'registration', 'cold', 'warm', 'streaming', 'sse', 'concurrency', 'profile', 'weight'];

export function machine(ctx) {
  const cpus = os.cpus();
  let osName = `${os.type()} ${os.release()}`;
  try {
    osName = `${/^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.type()}, Linux ${os.release()}`;
  } catch {
    // Not Linux: keep os.type().
  }
  const versionOf = (bin) => {
    try {
      return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  const packageVersion = (dir) => {
    try {
      return JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).version;
    } catch {
      return undefined;
    }
  };
  const modules = `${ctx.root}/node_modules`;
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: osName,
    node: { contenders: versionOf(ctx.node), contendersPath: recordedPath(ctx.root, ctx.node), driver: process.version },
    packages: {
      'aws-lambda-ric': ctx.ric ? packageVersion(`${ctx.ric.replace(/\/index\.mjs$/, '')}`) : undefined,
      '@fastify/aws-lambda': packageVersion(`${modules}/@fastify/aws-lambda`),
      fastify: packageVersion(`${modules}/fastify`),
      undici: packageVersion(`${modules}/undici`),
    },
  };
}

/**
 * Run the selected sections. `log` gets one line per measurement.
 * @param ctx `{ root, node, ferryBin, ric, harness: { startEmulator, startSandbox, functionUrlEvent }, cacheDir, notes, baseline? }`
 *   (`baseline`: `{ commit, ferryBin }` of baseline.mjs, for the `main:` contenders; without it they are left out)
 */
export async function runBench(ctx, { preset = PRESETS.quick, presetName = 'quick', sections = SECTIONS, log = () => {} } = {}) {
  const started = Date.now();
  const results = {
    generatedAt: new Date().toISOString(),
    preset: presetName,
    settings: preset,
    machine: machine(ctx),
    baseline: ctx.baseline ? { commit: ctx.baseline.commit, ...(ctx.baseline.error ? { error: ctx.baseline.error } : {}) } : undefined,
    inProcessRuntime: ctx.ric ? 'aws-lambda-ric' : 'JS runtime loop (test/bench/apps/js-runtime-loop.mjs)',
    notes: [...(ctx.notes ?? [])],
    // This machine may be shared (other sessions' builds and tests): the load says how much.
    loadAverage: { atStart: os.loadavg().map((v) => Number(v.toFixed(2))) },
  };
  const section = async (name, fn) => {
    if (!sections.includes(name)) return;
    log(`${name}…`);
    const t0 = Date.now();
    try {
      results[name] = await fn();
    } catch (error) {
      results[name] = { error: error.message };
      log(`  ${name}: ERROR ${error.message}`);
    }
    results.durationsS ??= {};
    results.durationsS[name] = Math.round((Date.now() - t0) / 100) / 10;
  };
  await section('bundle', () => measureBundle(ctx));
  await section('registration', () => measureRegistration(ctx, preset, log));
  await section('cold', () => measureColdStart(ctx, preset, log));
  await section('warm', () => measureWarm(ctx, preset, log));
  await section('streaming', () => measureStreaming(ctx, preset, log));
  await section('sse', () => measureSse(ctx, preset, log));
  await section('concurrency', () => measureConcurrency(ctx, preset, log));
  if (preset.profileInvocations > 0) await section('profile', () => measureProfile(ctx, preset, log));
  await section('weight', () => measureWeight(ctx, preset, log));
  results.loadAverage.atEnd = os.loadavg().map((v) => Number(v.toFixed(2)));
  results.goals = evaluateGoals(results);
  results.totalSeconds = Math.round((Date.now() - started) / 1000);
  return results;
}
