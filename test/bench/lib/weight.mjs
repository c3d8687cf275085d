// What Ferry weighs in a box sized like a Lambda function (lambda-box.mjs): 512, 1,024 and 1,769 MB.
//
//   cpu to /next   Ferry's CPU from spawn to its first runtime /next, the app already listening,
//                  Ferry alone in a 1,769 MB box (one vCPU); beside it `node -e 0` in the same kind
//                  of box. Both include the box's /bin/sh, which joins the cgroup and execs.
//   cold start     spawn → first response in Lambda's start order, every process of the sandbox in
//                  the box (the emulator, the platform, outside it); `weightColdStarts` (8) starts
//                  per contender and box, as one start varies by ±15% on a shared machine
//   Max Memory     the box's peak memory after the cold start and `invocations` (5,000) more, in
//                  the first `weightRounds` (2) of those starts
//   Ferry RSS      Ferry's VmRSS after its first response (idle), and after `longInvocations`
//                  (20,000) in the 1,769 MB box; beside it a bare Node process's idle VmRSS
//   box CPU        the box's CPU time from spawn to the first response, beside each cold start:
//                  at 0.58 of a core (1,024 MB) a cold start is mostly CPU, so its ratio follows
//   floors         once per round in each box, spawn → the app's first HTTP answer, polled every
//                  2 ms from outside the box: the app alone (an in-process adapter that cost
//                  nothing), and `node -e 0` then the app in one box (Lambda's start order with a
//                  Node sidecar that cost nothing once started)
//
// Contenders are pluggable: WEIGHT_CONTENDERS lists them by name, each started with startLambda
// (contenders.mjs). Inline mode (ferry-inline) is ONE process in the box, `node server.js` with
// NODE_OPTIONS=--import=<dist/layer/ferry-inline.mjs>, as a user sets it: boxes only, since Ferry
// and the app share that process and there is no Ferry RSS or CPU to /next of its own. `main:<name>` runs the
// baseline build (baseline.mjs), so before/after is one run. Rounds interleave the contenders in
// a rotated order, and the figures are medians with [min–max], for a shared, noisy machine.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { appCommand, label, startLambda, waitForHttp } from './contenders.mjs';
import { freePort } from './free-port.mjs';
import { cgroupSupport, openBox } from './lambda-box.mjs';
import { cpuTimeMs, memoryKiB } from './proc.mjs';
import { spread } from './stats.mjs';
import { rotate, sleep } from './warm.mjs';

/** Ferry's own processes are measured for these (RSS, CPU to /next); the others are whole boxes only. */
const FERRY_CONTENDERS = ['ferry-buffered', 'ferry-runtime', 'main:ferry-buffered', 'main:ferry-runtime'];
export const WEIGHT_CONTENDERS = [...FERRY_CONTENDERS, 'ferry-inline', 'in-process'];
/** The contenders measured for CPU to the first /next (extension mode: the app is already up). */
const CPU_CONTENDERS = ['ferry-buffered', 'main:ferry-buffered'];
const CPU_BOX_MB = 1769;
const IDLE_SETTLE_MS = 300;

export async function measureWeight(ctx, preset, log) {
  const support = cgroupSupport();
  const notes = [];
  if (support.kind === 'none')
    notes.push(
      `No writable cgroup (${support.why}): the figures below come from processes pinned to one core with taskset, without memory limits, and Max Memory Used and box CPU are not measured.`,
    );
  const contenders = WEIGHT_CONTENDERS.filter((name) => !name.startsWith('main:') || ctx.baseline?.ferryBin);
  if (!ctx.baseline?.ferryBin) notes.push(`No main contender: ${ctx.baseline?.error ?? 'no baseline build'}.`);

  const cpu = await measureCpuToNext(ctx, preset, support, contenders, log);
  const bare = await measureBareNode(ctx, preset, support, log);
  const boxes = {};
  const floors = {};
  for (const mb of preset.weightBoxes) {
    const measured = await measureBoxes(ctx, preset, support, contenders, mb, log);
    boxes[mb] = measured.byContender;
    floors[mb] = measured.floors;
  }

  return {
    box: support.kind === 'none' ? 'taskset -c 0' : `cgroup ${support.kind}`,
    notes,
    invocations: preset.weightInvocations,
    longInvocations: preset.weightLongInvocations,
    rounds: preset.weightRounds,
    coldStarts: coldStartsOf(preset),
    labels: Object.fromEntries(contenders.map((name) => [name, label(name, ctx)])),
    cpuToNextMs: cpu,
    bareNode: bare,
    floors,
    boxes,
  };
}

/** CPU to the first /next: Ferry alone in its box, the app started before it (outside the box). */
async function measureCpuToNext(ctx, preset, support, contenders, log) {
  const names = CPU_CONTENDERS.filter((name) => contenders.includes(name));
  const samples = Object.fromEntries(['node -e 0', ...names].map((name) => [name, []]));
  const port = await freePort();
  const [command, ...args] = appCommand(ctx, 'fastify');
  const app = spawn(command, args, { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  try {
    await waitForHttp(port, 15_000);
    for (let run = 0; run < preset.weightCpuRuns; run++) {
      for (const name of rotate(Object.keys(samples), run)) {
        const box = openBox(CPU_BOX_MB, support);
        try {
          if (name === 'node -e 0') {
            // The shell's children's CPU (from /proc, in clock ticks) stands in where no cgroup counts it.
            const [c, ...a] = box.wrap(['/bin/sh', '-c', '"$@"; cat /proc/$$/stat', 'sh', ctx.node, '-e', '0']);
            const child = spawn(c, a, { stdio: ['ignore', 'pipe', 'ignore'] });
            let stat = '';
            child.stdout.on('data', (chunk) => (stat += chunk));
            await once(child, 'exit');
            samples[name].push(box.cpuMs() ?? childrenCpuMs(stat));
          } else {
            // Ferry in the box; the function's process (here a sleeping stand-in: the app already
            // runs) outside it, so the box holds Ferry's CPU alone.
            const contender = await startLambda(name, ctx, { waitForInit: false, box: extensionOnly(box), env: { PORT: String(port) } });
            try {
              await contender.emulator.waitFor('init-done', undefined, 20_000);
              samples[name].push(box.cpuMs() ?? cpuTimeMs(contender.pids().ferry));
            } finally {
              await contender.close();
            }
          }
        } finally {
          await box.close();
        }
      }
    }
  } finally {
    app.kill('SIGKILL');
  }
  const out = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, spread(s, 'ms', 1)]));
  log(
    `  cpu to first /next: ${Object.entries(out)
      .map(([name, s]) => `${name} ${s.median} ms`)
      .join(', ')}`,
  );
  return out;
}

/** cutime + cstime of a /proc/<pid>/stat line, in ms (clock ticks of 10 ms on most Linux systems). */
function childrenCpuMs(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) / 100) * 1000;
}

/** A box for the extension alone: the runtime command is replaced by a process that only waits. */
function extensionOnly(box) {
  return { ...box, wrap: () => ['/bin/sh', '-c', 'exec sleep 600'] };
}

/** A bare Node process's idle RSS, in the same box as the contenders. */
async function measureBareNode(ctx, preset, support, log) {
  const rss = [];
  for (let run = 0; run < preset.weightRounds; run++) {
    const box = openBox(1024, support);
    const [c, ...a] = box.wrap([ctx.node, '-e', 'setInterval(() => {}, 1e6)']);
    const child = spawn(c, a, { stdio: 'ignore' });
    try {
      await sleep(IDLE_SETTLE_MS + 200);
      rss.push(memoryKiB(child.pid)?.rss / 1024);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit').catch(() => undefined);
      await box.close();
    }
  }
  const out = { idleRssMiB: spread(rss, 'MiB', 1) };
  log(`  bare node: idle RSS ${out.idleRssMiB.median} MiB`);
  return out;
}

async function measureBoxes(ctx, preset, support, contenders, mb, log) {
  const runs = Object.fromEntries(contenders.map((name) => [name, []]));
  const errors = {};
  const starts = coldStartsOf(preset);
  const appAlone = [];
  const nodeThenApp = [];
  for (let round = 0; round < starts; round++) {
    // The first rounds measure memory too; the rest only add cold starts.
    const coldOnly = round >= preset.weightRounds;
    appAlone.push(await appFirstAnswer(ctx, mb, support, false));
    nodeThenApp.push(await appFirstAnswer(ctx, mb, support, true));
    for (const name of rotate(contenders, round)) {
      if (errors[name]) continue;
      const box = openBox(mb, support);
      let contender;
      try {
        let t0 = 0;
        contender = await startLambda(name, ctx, { waitForInit: false, box, onStarted: (at) => (t0 = at) });
        const first = await contender.request();
        const firstResponse = performance.now() - t0;
        const firstResponseCpu = box.cpuMs();
        if (first.status !== 200) throw new Error(`first response: status ${first.status}`);
        if (coldOnly) {
          runs[name].push({ firstResponse, firstResponseCpu });
          log(`  weight ${mb} MB ${name.padEnd(20)} start ${round + 1}/${starts}: first response ${firstResponse.toFixed(0)} ms`);
          continue;
        }
        const ferryPid = FERRY_CONTENDERS.includes(name) ? contender.pids().ferry : undefined;
        await sleep(IDLE_SETTLE_MS);
        const idleRss = ferryPid ? memoryKiB(ferryPid)?.rss / 1024 : undefined;
        await invokeMany(contender, preset.weightInvocations);
        const run = { firstResponse, firstResponseCpu, idleRss, maxMemoryUsed: box.peakMiB() };
        if (ferryPid && mb === 1769 && round === 0) {
          await invokeMany(contender, preset.weightLongInvocations - preset.weightInvocations);
          run.longRss = memoryKiB(ferryPid)?.rss / 1024;
        }
        runs[name].push(run);
        log(
          `  weight ${mb} MB ${name.padEnd(20)} round ${round + 1}/${preset.weightRounds}: first response ${firstResponse.toFixed(0)} ms, Max Memory Used ${run.maxMemoryUsed?.toFixed(1) ?? 'n/a'} MiB${idleRss ? `, Ferry RSS idle ${idleRss.toFixed(1)} MiB` : ''}${run.longRss ? `, after ${preset.weightLongInvocations} ${run.longRss.toFixed(1)} MiB` : ''}`,
        );
      } catch (error) {
        errors[name] = error.message;
        log(`  weight ${mb} MB ${name}: ERROR ${error.message}`);
      } finally {
        await contender?.close().catch(() => undefined);
        await box.close();
      }
    }
  }
  // The floors beside the contenders: the app with no adapter at all, and after a bare Node start.
  const floors = {
    appAloneMs: spreadOf(appAlone, 'ms', 'ms'),
    appAloneCpuMs: spreadOf(appAlone, 'cpuMs', 'ms'),
    nodeThenAppMs: spreadOf(nodeThenApp, 'ms', 'ms'),
    nodeThenAppCpuMs: spreadOf(nodeThenApp, 'cpuMs', 'ms'),
  };
  const byContender = Object.fromEntries(
    contenders.map((name) => {
      const r = runs[name];
      const ferry = FERRY_CONTENDERS.includes(name);
      return [
        name,
        {
          ...(errors[name] ? { error: errors[name] } : {}),
          firstResponseMs: spreadOf(r, 'firstResponse', 'ms'),
          firstResponseCpuMs: spreadOf(r, 'firstResponseCpu', 'ms'),
          maxMemoryUsedMiB: spreadOf(r, 'maxMemoryUsed', 'MiB'),
          ...(ferry ? { ferryIdleRssMiB: spreadOf(r, 'idleRss', 'MiB') } : {}),
          ...(ferry && mb === 1769 ? { ferryLongRssMiB: spreadOf(r, 'longRss', 'MiB') } : {}),
        },
      ];
    }),
  );
  return { byContender, floors };
}

/** The spread of one figure over measurements (objects with that key), to 1 decimal. */
function spreadOf(measured, key, unit) {
  return spread(
    measured.map((one) => one[key]),
    unit,
    1,
  );
}

/** Cold starts per contender and box: at least the memory rounds. */
function coldStartsOf(preset) {
  return Math.max(preset.weightRounds, preset.weightColdStarts ?? 0);
}

/**
 * Spawn → the Fastify app's first HTTP answer in a box, and the box's CPU by then; with
 * `afterBareNode`, a `node -e 0` runs to its end in the same box first (Lambda starts the
 * function's process once the extensions have registered).
 */
async function appFirstAnswer(ctx, mb, support, afterBareNode) {
  const box = openBox(mb, support);
  const port = await freePort();
  const app = appCommand(ctx, 'fastify');
  const command = afterBareNode ? ['/bin/sh', '-c', '"$1" -e 0 && shift && exec "$@"', 'sh', ctx.node, ...app] : app;
  const [c, ...a] = box.wrap(command);
  const t0 = performance.now();
  const child = spawn(c, a, { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  try {
    await waitForHttp(port, 15_000, 2);
    return { ms: performance.now() - t0, cpuMs: box.cpuMs() };
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit').catch(() => undefined);
    await box.close();
  }
}

async function invokeMany(contender, count) {
  for (let i = 0; i < count; i++) {
    const r = await contender.request();
    if (r.status !== 200) throw new Error(`invocation ${i + 1}: status ${r.status}`);
  }
}
