/**
 * Ferry's own young generation stays at the size V8 starts it with (1 MiB per semi-space, new
 * space 2 MiB on 64-bit Node), in extension and runtime mode. Under Ferry's allocation rate V8
 * otherwise doubles it up to 16 MiB per semi-space, and those pages stay resident. Measured on
 * Node 22, Fastify app, 1,024 MB box, before/after interleaved in one run (2 rounds, extension
 * mode; runtime mode alike): Max Memory Used after 5,000 invocations 58.9-60.2 → 50.5-54.2 MiB,
 * Ferry's RSS 72.8-74.1 → 66.4-67.3 MiB (69 after 20,000), warm p50 and CPU per invocation within
 * the noise (1,190-1,318 against 1,358-1,374 µs); idle RSS and RSS growth while streaming 190 MiB
 * unchanged. Outside a box new space goes 32 → 2 MiB and RSS after 5,000 92 → 67 MiB. The price:
 * scavenges every ~9 invocations instead of ~100 (trace-gc, 20,000 invocations: 2,164 for 1.2 s
 * against 191 for 0.46 s, but in the noise of the loop), and more is promoted, so old space grows
 * to 11-25 MiB between V8's mark-compacts.
 *
 * How: `--semi-space-growth-factor=1` set at run time (V8 reads it each time it would grow new
 * space; `--max-semi-space-size` is read only when the heap is set up, so at run time it does
 * nothing). Not on the command line: any V8 flag there changes V8's flag hash and Node's built-in
 * code cache is rejected (+15-30 ms of Init CPU, layer/build.mjs). At run time the hash changes
 * too, so every built-in module loaded *after* this call compiles from source (node:http + zlib +
 * child_process: 5-7 ms with the cache, 14-17 ms without). Hence the call comes after the lease
 * server, the last step of Init that loaded built-ins when this was measured (its listen() loaded
 * dns and cluster then; it binds without them now), and new space is still at its starting size
 * there: it grows during the readiness wait. What loads later compiles without the cache, once:
 * node:http at the lease server's first connection or the first ALB/Lattice status line,
 * node:zlib at the first compressed response.
 *
 * Tried and left out (Node 22, Fastify app, extension mode, interleaved runs): trimming the heap
 * between invocations with V8's last-resort collection (gc() through --expose-gc, each time the
 * committed heap had grown 4 MiB) took Ferry's RSS after 20,000 invocations from 64-65 to 56-58
 * MiB, but Ferry's CPU per invocation from 313-387 to 457-577 µs (5 rounds of 6,000): that
 * collection also throws away compiled code. A regular gc(), with or without
 * --compact-on-every-full-gc, keeps the pages (RSS unchanged); so do --heap-growing-percent and
 * --no-concurrent-recompilation. Capping the optimising tier (--max-opt=1) saves 9 MiB
 * (TurboFan's code pages and zones) but doubles the warm p50 (390 → 700 µs). Maglev in
 * TurboFan's place (--maglev --max-opt=2 at run time; 1,769 MB box, 20,000 invocations, 2 runs
 * each) keeps most of those pages away, RSS 55.3-56.2 → 47.6 MiB (the node binary's pages
 * 44 → 38 MiB), but Ferry's CPU per invocation goes 0.42-0.62 → 0.77-0.97 ms and the warm p50
 * 600-760 → 1,090-1,100 µs. These leave RSS after 20,000 at 54.7-55.4 MiB: TurboFan on the main
 * thread, the GC's helper tasks off (--no-concurrent-marking, --no-parallel-scavenge, ...),
 * --no-turbo-inlining, --invocation-count-for-turbofan=10000; --optimize-for-size makes it 59 MiB.
 * Pacing the old generation with a regular gc() (--expose-gc at run time) each time old space had
 * grown a step past the last collection, before the pages are there, does keep them away: V8
 * otherwise lets old space grow 8 MB past what its last mark-compact kept (its minimum growing
 * step), here 5.4 → 11.4 MiB of promoted garbage. After 5,000 invocations (1,024 MB box, 2 runs,
 * with --v8-pool-size=1, layer/build.mjs) V8's pages 12.5 → 7.4 / 9.0 / 11.0 MiB and Max Memory
 * Used 49 → 44 / 43-46 / 47 MiB with a 1 / 2 / 4 MiB step, but Ferry's CPU per invocation (3,000
 * in a row, 4 runs) 0.389 → 0.496 / 0.453 / 0.420 ms: each mark-compact deoptimises the code
 * that embedded objects which died (trace-deopt: 88 "weak objects" deopts against none), and
 * TurboFan compiles it again. A few MiB of a box are not worth that on every invocation, and
 * since the lease server stopped making a scope per invocation (adapter/lease/server.ts) little
 * is promoted: V8's pages stay at 6.9 MiB after 5,000 invocations without any of this, and one
 * forced collection after Init took them to 12.5 MiB. --no-allocation-site-pretenuring changes
 * nothing; --compact-on-every-full-gc set at run time adds 2.4 MiB of pages.
 *
 * Never inline: there Ferry runs in the app's process, whose heap is the app's.
 */
import type { AppProcess } from '../app-process.ts';
import type { Logger } from '../log.ts';

export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

/** Cap the young generation where it is now, unless this process is the app's (inline mode); returns at once. */
export function capYoungGeneration(app: AppProcess | undefined, log: Logger): void {
  if (app?.pid === process.pid) return;
  const v8 = process.getBuiltinModule('node:v8');
  v8.setFlagsFromString(YOUNG_GENERATION_FLAG);
  const newSpaceMiB = () => (v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0) / 2 ** 20;
  const capMiB = newSpaceMiB();
  // For the tests (test/lifecycle/young-generation.test.ts, and the Node options layer/build.mjs
  // starts Ferry with) and for anyone tuning Ferry's memory.
  process.once('exit', () =>
    log.debug('young generation at exit', {
      new_space_mib: newSpaceMiB(),
      cap_mib: capMiB,
      flag: YOUNG_GENERATION_FLAG,
      node_options: process.execArgv.join(' '),
    }),
  );
}
