/**
 * apps/nextjs is installed and built by the suite itself (its own package.json and lockfile),
 * once, and kept: later runs reuse apps/nextjs/node_modules and .next while no source changed.
 * Measured on the 2-core CI-sized machine under load: `npm ci` 49 s, `next build` 88 s.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NEXT_APP = fileURLToPath(new URL('../../apps/nextjs/', import.meta.url));
/** The folder to ship: `node server.js` runs there. */
export const STANDALONE = path.join(NEXT_APP, '.next/standalone');

const SOURCES = ['app', 'next.config.mjs', 'package.json', 'package-lock.json'];

function newestMtime(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    cwd: NEXT_APP,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`apps/nextjs: ${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
}

/** Install and build unless the build is newer than every source; then copy the static assets in, as docs/frameworks.md says. */
export function ensureNextBuild(): void {
  if (!existsSync(path.join(NEXT_APP, 'node_modules/.package-lock.json'))) run('npm', ['ci', '--no-audit', '--no-fund']);
  const server = path.join(STANDALONE, 'server.js');
  const stale = !existsSync(server) || Math.max(...SOURCES.map((s) => newestMtime(path.join(NEXT_APP, s)))) > statSync(server).mtimeMs;
  if (stale) run('npx', ['next', 'build']);
  cpSync(path.join(NEXT_APP, '.next/static'), path.join(STANDALONE, '.next/static'), { recursive: true });
}
