// The "main" contender: Ferry as built from a fixed earlier commit, measured in the same run as
// today's build, so a before/after comparison never spans two runs on a noisy machine.
// The commit's adapter/ and layer/ are extracted with `git archive` (no worktree, nothing in .git changes) into
// test/bench/.cache/baseline-<commit>/, given this checkout's node_modules, and built there with
// its own layer/build.mjs; the result is kept for later runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';

/** Before the weight work (issue 14): Ferry with undici, as the bench's results of record were taken. */
export const BASELINE_COMMIT = '186d34c';

/** Resolves `{ commit, ferryBin }`, or `{ commit, error }` when it cannot be built (say, a shallow clone). */
export function ensureBaseline(root, cacheDir, { commit = BASELINE_COMMIT, log = () => {} } = {}) {
  const dir = path.join(cacheDir, `baseline-${commit}`);
  const ferryBin = path.join(dir, 'dist/layer/extensions/ferry');
  if (existsSync(ferryBin)) return { commit, ferryBin };
  log(`building the baseline contender from commit ${commit} into ${path.relative(root, dir)}…`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Only what the build reads: no test files for a test runner to find in the cache.
  const archive = spawnSync('sh', ['-c', `git -C "$1" archive --format=tar "$2" adapter layer package.json | tar -x -C "$3"`, 'sh', root, commit, dir], {
    encoding: 'utf8',
  });
  if (archive.status !== 0 || !existsSync(path.join(dir, 'layer/build.mjs'))) {
    rmSync(dir, { recursive: true, force: true });
    return { commit, error: `git archive ${commit} failed (is it in this clone's history?): ${(archive.stderr ?? '').trim().split('\n')[0]}` };
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const built = spawnSync(process.execPath, ['layer/build.mjs'], { cwd: dir, encoding: 'utf8' });
  if (built.status !== 0 || !existsSync(ferryBin)) {
    return { commit, error: `building ${commit} failed: ${(built.stderr || built.stdout || '').trim().split('\n').slice(-3).join(' ')}` };
  }
  return { commit, ferryBin };
}
