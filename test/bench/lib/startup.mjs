// Start-up figures.
//   cold start   process start → first response, in Lambda's order: the emulator (the platform) is
//                already up; extensions start and register, then the function's process starts;
//                the first invocation is queued at once and delivered when Init is done.
//   registration spawn → the stub Lambda API has the extension's /register, vs spawn → exit of
//                `node -e 0` (startup-measure.mjs).
import { performance } from 'node:perf_hooks';
import { label, startContender, startLambda } from './contenders.mjs';
import { ratio, spread } from './stats.mjs';
import { measureColdStart as coldStartAgainstStub, measureRegistration as registrationAgainstStub } from './startup-measure.mjs';
import { rotate } from './warm.mjs';

export const COLD_CONTENDERS = ['direct', 'ferry-buffered', 'ferry-stream', 'ferry-runtime', 'ferry-inline', 'in-process'];

export async function measureColdStart(ctx, preset, log) {
  const runs = Object.fromEntries(COLD_CONTENDERS.map((name) => [name, []]));
  const errors = {};
  for (let run = 0; run < preset.coldRuns; run++) {
    for (const name of rotate(COLD_CONTENDERS, run)) {
      if (errors[name]) continue;
      let contender;
      try {
        if (name === 'direct') {
          const t0 = performance.now();
          contender = await startContender('direct', ctx);
          runs[name].push({ firstResponse: performance.now() - t0 });
        } else {
          let t0 = 0;
          contender = await startLambda(name, ctx, { waitForInit: false, onStarted: (at) => (t0 = at) });
          const r = await contender.request();
          const end = performance.now();
          if (r.status !== 200) throw new Error(`first response: status ${r.status}`);
          const at = (event) => contender.emulator.history.find((e) => e.name === event)?.at;
          const registered = at('extension-registered');
          runs[name].push({
            firstResponse: end - t0,
            registered: registered === undefined ? undefined : registered - t0,
            initDone: at('init-done') - t0,
          });
        }
        log(`  cold ${name.padEnd(15)} run ${run + 1}/${preset.coldRuns}: ${runs[name].at(-1).firstResponse.toFixed(1)} ms`);
      } catch (error) {
        errors[name] = error.message;
        log(`  cold ${name}: ERROR ${error.message}`);
      } finally {
        await contender?.close().catch(() => undefined);
      }
    }
  }
  const contenders = {};
  for (const name of COLD_CONTENDERS) {
    const r = runs[name];
    contenders[name] = {
      label: label(name, ctx),
      ...(errors[name] ? { error: errors[name] } : {}),
      firstResponseMs: spread(
        r.map((x) => x.firstResponse),
        'ms',
        1,
      ),
      ...(name === 'ferry-buffered' || name === 'ferry-stream'
        ? {
            extensionRegisteredMs: spread(
              r.map((x) => x.registered),
              'ms',
              1,
            ),
          }
        : {}),
      ...(name !== 'direct'
        ? {
            initDoneMs: spread(
              r.map((x) => x.initDone),
              'ms',
              1,
            ),
          }
        : {}),
    };
  }
  let layerCrossCheck;
  try {
    if (preset.layerCrossCheck) layerCrossCheck = await stubColdStartCrossCheck(ctx, preset);
  } catch (error) {
    layerCrossCheck = { error: error.message };
  }
  return { runs: preset.coldRuns, contenders, ...(layerCrossCheck ? { layerCrossCheck } : {}) };
}

/** A startup-measure.mjs spread re-rounded to `digits`, without its p90 (results.json's shape). */
const rounded = (s, digits = 2) => spread(s.samples, 'ms', digits);

/**
 * Spawn → registered (Ferry, run as Lambda runs it: the file itself, its `#!/usr/bin/env node` line
 * picking the benchmark's Node first on PATH) vs spawn → exit of `node -e 0`, runs interleaved.
 */
export async function measureRegistration(ctx, preset, log) {
  const r = await registrationAgainstStub({ ferryPath: ctx.ferryBin, runs: preset.registrationRuns, node: ctx.node });
  const result = {
    source: 'test/bench/lib/startup-measure.mjs measureRegistration (stub Lambda API)',
    runs: r.runs,
    bareNodeMs: rounded(r.nodeNoop),
    ferryRegisteredMs: rounded(r.ferry),
    bareNodeRegisterMs: rounded(r.nodeRegister),
  };
  result.ratio = ratio(result.ferryRegisteredMs, result.bareNodeMs);
  result.ratioToBareRegister = ratio(result.ferryRegisteredMs, result.bareNodeRegisterMs);
  log(`  registration: Ferry ${result.ferryRegisteredMs.median} ms vs node -e 0 ${result.bareNodeMs.median} ms (${result.ratio}×)`);
  return result;
}

/**
 * The cold starts measured by startup-measure.mjs (its own stub Lambda API, Ferry modes only),
 * recorded next to this bench's emulator-based figures as a cross-check.
 */
export async function stubColdStartCrossCheck(ctx, preset) {
  const out = {};
  for (const mode of ['extension', 'runtime']) {
    const r = await coldStartAgainstStub({ mode, runs: preset.coldRuns, ferryPath: ctx.ferryBin, node: ctx.node });
    out[mode] = {
      firstResponseMs: rounded(r.firstResponse, 1),
      initDoneMs: rounded(r.initDone, 1),
      ...(r.registered ? { registeredMs: rounded(r.registered, 1) } : {}),
    };
  }
  return out;
}
