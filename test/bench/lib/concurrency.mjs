// Lambda Managed Instances: AWS_LAMBDA_MAX_CONCURRENCY = N (the emulator's maxConcurrency), N
// invocations in flight at once (N client loops), against the same Fastify app. The baseline is the
// direct client with N connections; the no-op runtime with N loops shows what the emulator itself
// allows at that concurrency. A level where Ferry fails is reported as not supported, with why.
import { performance } from 'node:perf_hooks';
import { startContender, startLambda } from './contenders.mjs';
import { percentile, spread } from './stats.mjs';
import { rotate, sleep } from './warm.mjs';

async function drive(contender, concurrency, total) {
  const latencies = [];
  const failures = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        issued++;
        try {
          const r = await contender.request();
          if (r.status === 200) latencies.push(r.ms);
          else failures.push(String(r.status));
        } catch (error) {
          failures.push(error.message);
        }
      }
    }),
  );
  return { latencies, failures, elapsed: performance.now() - started };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms))),
  ]);
}

export async function measureConcurrency(ctx, preset, log) {
  const levels = {};
  for (const n of preset.mcLevels) {
    const rounds = { direct: [], floor: [], ferry: [] };
    const failed = {};
    let held;
    for (let round = 0; round < preset.mcRounds && !failed.ferry; round++) {
      for (const which of rotate(['direct', 'floor', 'ferry'], round)) {
        if (failed[which]) continue;
        let contender;
        try {
          contender =
            which === 'direct'
              ? await startContender('direct', ctx, { connections: n })
              : await startLambda(which === 'ferry' ? 'ferry-buffered' : 'floor', ctx, { emulator: { maxConcurrency: n, timeoutMs: 10_000 } });
          if (which === 'ferry') {
            await sleep(100);
            held = contender.emulator.snapshot().runtimeWaiting;
          }
          const run = async () => {
            await drive(contender, n, Math.min(preset.mcWarmup, preset.mcInvocations));
            return drive(contender, n, preset.mcInvocations);
          };
          const { latencies, failures, elapsed } = await withTimeout(run(), preset.mcTimeoutMs, `${preset.mcInvocations} invocations at concurrency ${n}`);
          if (failures.length) throw new Error(`${failures.length} of ${preset.mcInvocations} invocations failed (first: ${failures[0]})`);
          rounds[which].push({ rps: (latencies.length / elapsed) * 1000, p50: percentile(latencies, 50) * 1000, p99: percentile(latencies, 99) * 1000 });
          const last = rounds[which].at(-1);
          log(
            `  mc N=${String(n).padEnd(2)} ${which.padEnd(6)} round ${round + 1}/${preset.mcRounds}: ${last.rps.toFixed(0)}/s, p99 ${last.p99.toFixed(0)} µs${which === 'ferry' ? ` (Ferry held ${held} /next)` : ''}`,
          );
        } catch (error) {
          failed[which] = error.message;
          log(`  mc N=${n} ${which}: ${which === 'ferry' ? 'NOT SUPPORTED' : 'ERROR'}: ${error.message}`);
        } finally {
          await contender?.close().catch(() => undefined);
        }
      }
    }
    const summarize = (list) => ({
      throughputPerS: spread(
        list.map((r) => r.rps),
        'invocations/s',
        0,
      ),
      p50Us: spread(
        list.map((r) => r.p50),
        'µs',
        1,
      ),
      p99Us: spread(
        list.map((r) => r.p99),
        'µs',
        1,
      ),
    });
    levels[n] = {
      direct: failed.direct ? { error: failed.direct } : summarize(rounds.direct),
      floor: failed.floor ? { error: failed.floor } : summarize(rounds.floor),
      ferry: failed.ferry ? { notSupported: failed.ferry } : { ...summarize(rounds.ferry), nextCallsHeld: held },
    };
    if (!failed.ferry) {
      levels[n].throughputRatio = Number((levels[n].ferry.throughputPerS.median / levels[n].direct.throughputPerS?.median).toFixed(3));
      levels[n].throughputVsFloor = Number((levels[n].ferry.throughputPerS.median / levels[n].floor.throughputPerS?.median).toFixed(3));
    }
  }
  return { invocations: preset.mcInvocations, rounds: preset.mcRounds, levels };
}
