/**
 * Ferry's own young generation stays at the size V8 starts it with (1 MiB per semi-space, new
 * space 2 MiB on 64-bit Node), in extension and runtime mode. Under Ferry's allocation rate V8
 * otherwise doubles it up to 16 MiB per semi-space, and those pages stay resident. Measured on
 * Node 22 (Fastify app, extension mode, one process, this machine): Ferry's RSS after 5,000 small
 * invocations 92-93 MiB → 67 MiB, new space 32 → 2 MiB; old space then grows faster (more is
 * promoted) and is collected by V8's mark-compacts, 11-25 MiB before one.
 *
 * How: `--semi-space-growth-factor=1` set at run time (V8 reads it each time it would grow new
 * space; `--max-semi-space-size` is read only when the heap is set up, so at run time it does
 * nothing). Not on the command line: any V8 flag there changes V8's flag hash and Node's built-in
 * code cache is rejected (+15-30 ms of Init CPU, layer/build.mjs). At run time the hash changes
 * too, so every built-in module loaded *after* this call compiles from source (node:http + zlib +
 * child_process: 5-7 ms with the cache, 14-17 ms without). Hence the call comes after the last
 * built-in Init loads (the lease server's listen() loads dns and cluster); none loads during the
 * rest of Init or on the first invocation (process.moduleLoadList, buffered, streamed and runtime
 * mode), and new space is still at its starting size there: it grows during the readiness wait.
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
  // For the tests (test/lifecycle/young-generation.test.ts) and for anyone tuning Ferry's memory.
  process.once('exit', () => log.debug('young generation at exit', { new_space_mib: newSpaceMiB(), cap_mib: capMiB, flag: YOUNG_GENERATION_FLAG }));
}
