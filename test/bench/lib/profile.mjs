// CPU profiles of Ferry (extension mode, buffered and response_stream) during a warm loop: `--cpu-prof` through
// NODE_OPTIONS on the extension process only. Ferry is rebuilt for it without minification (same
// entry and options as layer/build.mjs otherwise) so function names are readable; the profile is
// written when Ferry exits on SHUTDOWN. Self time is summed per function and mapped back to the
// source module through the `// path` comments esbuild leaves in an unminified bundle.
import { build } from 'esbuild';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startLambda } from './contenders.mjs';
import { FERRY_BUILD_OPTIONS, ferryBuildPlugins } from './size.mjs';
import { sleep } from './warm.mjs';

export async function measureProfile(ctx, preset, log) {
  const dir = path.join(ctx.cacheDir, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  const ferryBin = path.join(dir, 'ferry');
  await build({ ...FERRY_BUILD_OPTIONS, absWorkingDir: ctx.root, minify: false, outfile: ferryBin, plugins: await ferryBuildPlugins(ctx.root) });
  chmodSync(ferryBin, 0o755);

  const modes = {};
  for (const mode of ['ferry-buffered', 'ferry-stream']) {
    const out = path.join(dir, mode);
    mkdirSync(out);
    const contender = await startLambda(mode, ctx, { ferryBin, extEnv: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${out} --cpu-prof-interval=100` } });
    try {
      for (let i = 0; i < preset.profileInvocations; i++) {
        const r = await contender.request();
        if (r.status !== 200) throw new Error(`status ${r.status}`);
      }
    } finally {
      await contender.close();
    }
    let file;
    for (let i = 0; i < 50 && !file; i++) {
      file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
      if (!file) await sleep(100);
    }
    if (!file) throw new Error(`${mode}: Ferry wrote no .cpuprofile (did it exit cleanly on SHUTDOWN?)`);
    const summary = summarize(JSON.parse(readFileSync(path.join(out, file), 'utf8')), readFileSync(ferryBin, 'utf8'), ferryBin);
    modes[mode] = {
      file: path.relative(ctx.root, path.join(out, file)),
      cpuUsPerInvocation: Math.round((1000 * summary.busyMs) / preset.profileInvocations),
      ...summary,
    };
    log(
      `  profile ${mode}: ${summary.busyMs} ms busy over ${preset.profileInvocations} invocations; top: ${summary.top
        .slice(0, 3)
        .map((f) => `${f.function} ${f.percent}%`)
        .join(', ')}`,
    );
  }
  return { invocations: preset.profileInvocations, modes };
}

/** Self time per function (from samples and timeDeltas), busy time only (idle excluded). */
export function summarize(profile, bundleText, bundlePath) {
  const modules = moduleMap(bundleText);
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byNode.get(profile.samples[i]);
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const inBundle = url && bundlePath && url.endsWith(bundlePath);
    const where = inBundle ? modules(lineNumber + 1) : url ? url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '') : '';
    const key = `${name}\u0000${where}`;
    const entry = self.get(key) ?? { function: name, where, ms: 0 };
    entry.ms += dt;
    self.set(key, entry);
  }
  const all = [...self.values()];
  const idle = all.filter((e) => e.function === '(idle)').reduce((a, e) => a + e.ms, 0);
  const busy = all.filter((e) => e.function !== '(idle)');
  const busyMs = busy.reduce((a, e) => a + e.ms, 0);
  const top = busy
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 40)
    .map((e) => ({
      function: e.function,
      where: e.where,
      category: category(e),
      selfMs: Number(e.ms.toFixed(1)),
      percent: Number(((100 * e.ms) / busyMs).toFixed(1)),
    }));
  const byModule = new Map();
  for (const e of busy) {
    const key = e.where.startsWith('node_modules/')
      ? e.where.split('/').slice(0, 2).join('/')
      : e.where.startsWith('node:')
        ? 'node: (built-in modules)'
        : e.where || e.function;
    byModule.set(key, (byModule.get(key) ?? 0) + e.ms);
  }
  const modulesTop = [...byModule.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([module, ms]) => ({ module, selfMs: Number(ms.toFixed(1)), percent: Number(((100 * ms) / busyMs).toFixed(1)) }));
  const byCategory = new Map();
  for (const e of busy) byCategory.set(category(e), (byCategory.get(category(e)) ?? 0) + e.ms);
  const categories = [...byCategory.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => ({ category: name, selfMs: Number(ms.toFixed(1)), percent: Number(((100 * ms) / busyMs).toFixed(1)) }));
  return { busyMs: Number(busyMs.toFixed(1)), idleMs: Number(idle.toFixed(1)), categories, top, byModule: modulesTop };
}

/** A coarse owner for each function, so the profile reads as "where does the time go". */
function category({ function: name, where }) {
  if (!where && /^write(v|Buffer|Latin1String|Utf8String|AsciiString|Ucs2String)$/.test(name))
    return 'socket writes (the write/writev syscalls, loopback TCP included)';
  if (name === '(garbage collector)') return 'garbage collection';
  if (where.startsWith('wasm://')) return "llhttp (undici's wasm HTTP parser)";
  if (where.startsWith('node_modules/undici')) return 'undici (JS)';
  if (where.startsWith('adapter/')) return "Ferry's own code (adapter/)";
  if (where.startsWith('node:')) return 'Node built-ins (streams, net, http, timers, module loading)';
  return 'V8 and native, other (microtasks, (program), …)';
}

/** Bundle line (1-based) → the source module esbuild placed there. */
function moduleMap(bundleText) {
  const marks = [];
  const lines = bundleText.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\/\/ ((?:node_modules|adapter)\/\S+)$/.exec(lines[i]);
    if (m) marks.push([i + 1, m[1]]);
  }
  return (line) => {
    let lo = 0;
    let hi = marks.length - 1;
    let found = '(bundle)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid][0] <= line) {
        found = marks[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

export const profileAvailable = (ctx) => existsSync(path.join(ctx.root, 'adapter/main.ts'));
