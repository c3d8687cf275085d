// Start-up figures.
//   cold start   process start → first response, in Lambda's order: the emulator (the platform) is
//                already up; extensions start and register, then the function's process starts;
//                the first invocation is queued at once and delivered when Init is done.
//   registration spawn → the emulator has the extension's /register, vs spawn → exit of `node -e 0`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { freePort, label, startContender, startLambda } from './contenders.mjs';
import { spread } from './stats.mjs';
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
      firstResponseMs: spread(r.map((x) => x.firstResponse), 'ms', 1),
      ...(name === 'ferry-buffered' || name === 'ferry-stream' ? { extensionRegisteredMs: spread(r.map((x) => x.registered), 'ms', 1) } : {}),
      ...(name !== 'direct' ? { initDoneMs: spread(r.map((x) => x.initDone), 'ms', 1) } : {}),
    };
  }
  let layerCrossCheck;
  try {
    if (preset.layerCrossCheck) layerCrossCheck = await layerColdStartCrossCheck(ctx, preset);
  } catch (error) {
    layerCrossCheck = { error: error.message };
  }
  return { runs: preset.coldRuns, contenders, ...(layerCrossCheck ? { layerCrossCheck } : {}) };
}

/** layer/measure-startup.mjs, another engineer's packaging module, when it exists. */
async function layerModule(ctx) {
  const file = path.join(ctx.root, 'layer/measure-startup.mjs');
  return existsSync(file) ? import(pathToFileURL(file).href) : undefined;
}

/** Its spread shape `{ medianMs, minMs, maxMs, samplesMs }` → ours. */
const fromLayer = (s, digits = 2) => (s ? spread(s.samplesMs ?? [s.medianMs], 'ms', digits) : undefined);

/**
 * Spawn → registered (Ferry, run as Lambda runs it: the file itself, its `#!/usr/bin/env node` line
 * picking the benchmark's Node first on PATH) vs spawn → exit of `node -e 0`, runs interleaved.
 * Uses layer/measure-startup.mjs's measureRegistration when it exists; this file's own minimal
 * version otherwise (the result says which).
 */
export async function measureRegistration(ctx, preset, log) {
  const layer = await layerModule(ctx).catch(() => undefined);
  let result;
  if (typeof layer?.measureRegistration === 'function') {
    const r = await layer.measureRegistration({ ferryPath: ctx.ferryBin, runs: preset.registrationRuns, node: ctx.node });
    result = {
      source: 'layer/measure-startup.mjs measureRegistration (stub Lambda API)',
      runs: r.runs,
      bareNodeMs: fromLayer(r.nodeNoop),
      ferryRegisteredMs: fromLayer(r.ferry),
      bareNodeRegisterMs: fromLayer(r.nodeRegister),
    };
  } else {
    result = { source: 'test/bench/lib/startup.mjs (own minimal version; layer/measure-startup.mjs absent)', ...(await ownRegistration(ctx, preset)) };
  }
  result.ratio = Number((result.ferryRegisteredMs.median / result.bareNodeMs.median).toFixed(3));
  if (result.bareNodeRegisterMs) result.ratioToBareRegister = Number((result.ferryRegisteredMs.median / result.bareNodeRegisterMs.median).toFixed(3));
  log(`  registration: Ferry ${result.ferryRegisteredMs.median} ms vs node -e 0 ${result.bareNodeMs.median} ms (${result.ratio}×) [${result.source.split(' ')[0]}]`);
  return result;
}

async function ownRegistration(ctx, preset) {
  const bare = [];
  const ferry = [];
  const env = { PATH: `${path.dirname(ctx.node)}:${process.env.PATH}` };
  for (let run = 0; run < preset.registrationRuns; run++) {
    {
      const t0 = performance.now();
      const child = spawn(ctx.node, ['-e', '0'], { stdio: 'ignore', env });
      await once(child, 'exit');
      bare.push(performance.now() - t0);
    }
    {
      const emulator = await ctx.harness.startEmulator();
      const port = await freePort();
      const mark = emulator.mark();
      const t0 = performance.now();
      const child = spawn(ctx.ferryBin, [], { stdio: 'ignore', env: { ...env, AWS_LAMBDA_RUNTIME_API: emulator.address, PORT: String(port) } });
      const exited = once(child, 'exit');
      try {
        await emulator.waitFor('extension-registered', undefined, 10_000, mark);
        ferry.push(emulator.history.find((e, i) => i >= mark && e.name === 'extension-registered').at - t0);
      } finally {
        child.kill('SIGKILL');
        await exited;
        await emulator.close();
      }
    }
  }
  return { runs: preset.registrationRuns, bareNodeMs: spread(bare, 'ms', 2), ferryRegisteredMs: spread(ferry, 'ms', 2) };
}

/**
 * The cold starts measured by layer/measure-startup.mjs (its own stub Lambda API, Ferry modes only),
 * recorded next to this bench's emulator-based figures as a cross-check.
 */
export async function layerColdStartCrossCheck(ctx, preset) {
  const layer = await layerModule(ctx).catch(() => undefined);
  if (typeof layer?.measureColdStart !== 'function') return undefined;
  const out = {};
  for (const mode of ['extension', 'runtime']) {
    const r = await layer.measureColdStart({ mode, runs: preset.coldRuns, ferryPath: ctx.ferryBin, node: ctx.node });
    out[mode] = { firstResponseMs: fromLayer(r.firstResponse, 1), initDoneMs: fromLayer(r.initDone, 1), ...(r.registered ? { registeredMs: fromLayer(r.registered, 1) } : {}) };
  }
  return out;
}
