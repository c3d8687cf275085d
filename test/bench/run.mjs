#!/usr/bin/env node
// `npm run bench`: Ferry against the alternatives, side by side in one run (plain JS: no TS loader).
//
//   npm run bench                      full size (~10 minutes on 2 cores, plus ~2 minutes the first time
//                                      to install Node 22 and build aws-lambda-ric into test/bench/.cache)
//   npm run bench -- --quick           tiny counts; writes test/bench/.cache/results.quick.json only
//   npm run bench -- --only=warm,cold  some sections (bundle registration cold warm streaming sse
//                                      concurrency profile weight); writes nothing but the cache file
//   npm run bench -- --baseline=<rev>  the commit the "main" contenders are built from (default in
//                                      lib/baseline.mjs); --baseline=none leaves them out
//   npm run bench -- --retry-ric       try to build aws-lambda-ric again after a failed attempt
//
// A full run writes test/bench/results.json, test/bench/results.svg and the section of
// test/bench/README.md between <!-- bench:start --> and <!-- bench:end -->. Every contender process runs on Node 22 from the
// cache; this driver (which hosts the emulator and the direct client) re-runs itself on it too.
// Load goes only to 127.0.0.1 and every loop is bounded in count and time.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRESETS, SECTIONS, runBench } from './lib/core.mjs';
import { renderMarkdown, renderSvg, updateReadme } from './lib/report.mjs';
import { ensureBaseline } from './lib/baseline.mjs';
import { ensureTools, loadHarness } from './lib/setup.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const value = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

const quick = flag('quick');
const only = value('only')?.split(',');
if (only?.some((s) => !SECTIONS.includes(s))) {
  console.error(`unknown section in --only; known: ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const log = (line) => console.log(line);

const tools = ensureTools(root, { log, retryRic: flag('retry-ric') });

// Run the driver on the same Node as the contenders (once).
if (!process.env.FERRY_BENCH_CHILD && path.resolve(process.execPath) !== path.resolve(tools.node)) {
  const r = spawnSync(tools.node, [fileURLToPath(import.meta.url), ...args], { stdio: 'inherit', env: { ...process.env, FERRY_BENCH_CHILD: '1' } });
  process.exit(r.status ?? 1);
}

const ferryBin = path.join(root, 'dist/layer/extensions/ferry');
if (!existsSync(ferryBin)) {
  console.error('dist/layer/extensions/ferry is missing: run `npm run build` first (npm run bench does).');
  process.exit(1);
}

const harness = await loadHarness(root);
const baselineRev = value('baseline');
const baseline = baselineRev === 'none' ? undefined : ensureBaseline(root, tools.cacheDir, { ...(baselineRev ? { commit: baselineRev } : {}), log });
if (baseline?.error) tools.notes.push(`the main contenders are left out: ${baseline.error}`);
const ctx = { root, node: tools.node, ric: tools.ric, ferryBin, harness, cacheDir: tools.cacheDir, notes: tools.notes, baseline };
const presetName = quick ? 'quick' : 'full';
for (const note of tools.notes) log(`note: ${note}`);
log(`Ferry bench (${presetName}) on ${ctx.node}`);

const results = await runBench(ctx, { preset: PRESETS[presetName], presetName, sections: only ?? SECTIONS, log });
const markdown = renderMarkdown(results);
console.log(`\n${markdown}`);

if (quick || only) {
  const file = path.join(tools.cacheDir, 'results.quick.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`\n(${quick ? '--quick' : '--only'}: results in ${path.relative(root, file)}; results.json, results.svg and test/bench/README.md are left as they were)`);
} else {
  writeFileSync(path.join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(here, 'results.svg'), renderSvg(results));
  const readme = path.join(here, 'README.md');
  writeFileSync(readme, updateReadme(readFileSync(readme, 'utf8'), markdown));
  log(`\nwrote test/bench/results.json, test/bench/results.svg and the test/bench/README.md benchmark section (${results.totalSeconds} s)`);
}
