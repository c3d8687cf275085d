// Warm latency and throughput: sequential invocations after a warm-up, per contender, in rounds.
// Each round starts every contender afresh, in a rotated order, so no contender always runs first
// (or last) on this shared 2-core machine. Memory (idle after Init, and after the loop) is read here too.
import { performance } from 'node:perf_hooks';
import { label, startContender } from './contenders.mjs';
import { cpuTimeMs, executableOf, memoryKiB, recordedPath } from './proc.mjs';
import { percentile, spread } from './stats.mjs';

export const WARM_CONTENDERS = ['direct', 'floor', 'ferry-buffered', 'ferry-stream', 'ferry-runtime', 'ferry-inline', 'in-process'];
/** With a baseline build (baseline.mjs), main's buffered extension runs beside today's, so before/after is one run. */
const withBaseline = (ctx) => [...WARM_CONTENDERS, ...(ctx.baseline?.ferryBin ? ['main:ferry-buffered'] : [])];

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function rotate(list, by) {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** CPU time (ms) used so far by each of a contender's processes, and by this driver (emulator + client). */
function cpuOf(pids) {
  const usage = process.cpuUsage();
  return {
    ...Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, pid ? cpuTimeMs(pid) : undefined])),
    driver: (usage.user + usage.system) / 1000,
  };
}

/** Resident memory (KiB) of each of a contender's processes. */
function rssOf(pids) {
  return Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, pid ? memoryKiB(pid)?.rss : undefined]));
}

export async function measureWarm(ctx, preset, log) {
  const names = withBaseline(ctx);
  const rounds = Object.fromEntries(names.map((name) => [name, []]));
  const errors = {};
  const executables = {};
  for (let round = 0; round < preset.rounds; round++) {
    for (const name of rotate(names, round)) {
      if (errors[name]) continue;
      let contender;
      try {
        contender = await startContender(name, ctx);
        await sleep(preset.settleMs);
        const pids = contender.pids();
        executables[name] ??= Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, pid && recordedPath(ctx.root, executableOf(pid))]));
        const rssIdle = rssOf(pids);
        const first = await contender.request();
        if (first.status !== 200) throw new Error(`first response: status ${first.status}`);
        for (let i = 1; i < preset.warmup; i++) await contender.request();
        const latencies = new Float64Array(preset.invocations);
        let failures = 0;
        const cpuBefore = cpuOf(pids);
        const started = performance.now();
        for (let i = 0; i < latencies.length; i++) {
          const r = await contender.request();
          if (r.status !== 200) failures++;
          latencies[i] = r.ms;
        }
        const elapsed = performance.now() - started;
        const cpuAfter = cpuOf(pids);
        const cpuUs = Object.fromEntries(Object.keys(cpuAfter).map((role) => [role, ((cpuAfter[role] - cpuBefore[role]) * 1000) / latencies.length]));
        const stats = {
          cpuUs,
          p50: percentile(latencies, 50) * 1000,
          p99: percentile(latencies, 99) * 1000,
          mean: (latencies.reduce((a, b) => a + b, 0) / latencies.length) * 1000,
          rps: (latencies.length / elapsed) * 1000,
          failures,
          rssIdle,
          rssAfter: rssOf(pids),
        };
        rounds[name].push(stats);
        log(
          `  warm ${name.padEnd(15)} round ${round + 1}/${preset.rounds}: p50 ${stats.p50.toFixed(0)} µs, p99 ${stats.p99.toFixed(0)} µs, ${stats.rps.toFixed(0)}/s${failures ? `, ${failures} FAILED` : ''}`,
        );
      } catch (error) {
        errors[name] = error.message;
        log(`  warm ${name}: ERROR ${error.message}`);
      } finally {
        await contender?.close().catch(() => undefined);
      }
    }
  }

  const contenders = {};
  for (const name of names) {
    const r = rounds[name];
    contenders[name] = {
      label: label(name, ctx),
      ...(errors[name] ? { error: errors[name] } : {}),
      p50Us: spread(
        r.map((x) => x.p50),
        'µs',
        1,
      ),
      p99Us: spread(
        r.map((x) => x.p99),
        'µs',
        1,
      ),
      meanUs: spread(
        r.map((x) => x.mean),
        'µs',
        1,
      ),
      throughputPerS: spread(
        r.map((x) => x.rps),
        'invocations/s',
        0,
      ),
      failures: r.reduce((a, x) => a + x.failures, 0),
      // CPU time per invocation of each process (from /proc, 10 ms ticks over the whole loop);
      // `driver` is this process: the emulator and, for direct, the undici client.
      cpuUsPerInvocation: roleSpreads(
        r.map((x) => x.cpuUs),
        'µs CPU per invocation',
      ),
      rssIdleKiB: roleSpreads(r.map((x) => x.rssIdle)),
      rssAfterLoopKiB: roleSpreads(r.map((x) => x.rssAfter)),
      executables: executables[name],
    };
  }
  return { invocations: preset.invocations, warmup: preset.warmup, rounds: preset.rounds, contenders };
}

function roleSpreads(list, unit = 'KiB') {
  const roles = new Set(list.flatMap((x) => Object.keys(x ?? {})));
  return Object.fromEntries(
    [...roles].map((role) => [
      role,
      spread(
        list.map((x) => x?.[role]),
        unit,
        0,
      ),
    ]),
  );
}
