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

export const COLD_CONTENDERS = ['direct', 'ferry-buffered', 'ferry-stream', 'ferry-runtime', 'in-process'];

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
  return { runs: preset.coldRuns, contenders };
}

/** Spawn → registered (Ferry) and spawn → exit (`node -e 0`), interleaved run by run. */
export async function measureRegistration(ctx, preset, log) {
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
      // As Lambda runs it: the executable itself (its `#!/usr/bin/env node` line picks the Node first on PATH).
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
  const result = {
    runs: preset.registrationRuns,
    bareNodeMs: spread(bare, 'ms', 2),
    ferryRegisteredMs: spread(ferry, 'ms', 2),
  };
  result.ratio = Number((result.ferryRegisteredMs.median / result.bareNodeMs.median).toFixed(3));
  log(`  registration: Ferry ${result.ferryRegisteredMs.median} ms vs node -e 0 ${result.bareNodeMs.median} ms (${result.ratio}×)`);
  return result;
}

/**
 * layer/measure-startup.mjs (another engineer's packaging work) exports measureRegistration and
 * measureColdStart. When it exists, its figures are recorded next to ours as a cross-check; the
 * tables use this bench's own measurements, which pin the Node version and the contenders' apps.
 */
export async function crossCheckWithLayer(ctx, preset, log) {
  const file = path.join(ctx.root, 'layer/measure-startup.mjs');
  if (!existsSync(file)) return { available: false, note: 'layer/measure-startup.mjs does not exist yet: this bench measured start-up itself' };
  const out = { available: true };
  try {
    const mod = await import(pathToFileURL(file).href);
    const runs = Math.max(2, Math.min(preset.registrationRuns, 10));
    if (typeof mod.measureRegistration === 'function') out.registration = await mod.measureRegistration({ ferryPath: ctx.ferryBin, runs, node: ctx.node });
    if (typeof mod.measureColdStart === 'function') {
      out.coldStart = {};
      for (const mode of ['extension', 'runtime']) out.coldStart[mode] = await mod.measureColdStart({ mode, runs: Math.max(1, preset.coldRuns), node: ctx.node });
    }
    log('  cross-check with layer/measure-startup.mjs recorded');
  } catch (error) {
    out.error = error.message;
    log(`  layer/measure-startup.mjs failed: ${error.message}`);
  }
  return out;
}
