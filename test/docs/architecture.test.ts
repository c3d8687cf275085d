/**
 * ARCHITECTURE.md stays true when files move: every path it names exists, and every folder of the
 * tree (top level, adapter/*, test/*) is on its maps. The Markdown files' relative links resolve.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/ferry.ts';

const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file && existsSync(path.join(ROOT, file)));
const topLevel = new Set(tracked.map((file) => file.split('/')[0]!));
const foldersUnder = (parent: string) => [
  ...new Set(tracked.filter((f) => f.startsWith(`${parent}/`) && f.split('/').length > 2).map((f) => f.split('/').slice(0, 2).join('/'))),
];
const ignored = (relative: string) => {
  try {
    execFileSync('git', ['check-ignore', '--quiet', '--no-index', relative], { cwd: ROOT });
    return true;
  } catch {
    return false;
  }
};
/** Exists in the tree, or is build output git ignores (dist/ appears with `npm run build`). */
const present = (relative: string) => existsSync(path.join(ROOT, relative)) || ignored(relative);

/** Backticked repository paths: tokens whose first segment is a top-level entry; `<source>` placeholders skipped. */
function namedPaths(markdown: string, topLevelEntries: ReadonlySet<string>): string[] {
  return [...markdown.matchAll(/`([^`\s]+)`/g)]
    .map((m) => m[1]!.replace(/[.,:]+$/, ''))
    .filter((token) => !token.includes('<') && topLevelEntries.has(token.split('/')[0]!));
}

/** Relative link targets of a Markdown file, resolved from its folder (anchors dropped). */
function linkTargets(file: string, markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!.split('#')[0]!)
    .filter((target) => target && !/^[a-z]+:/i.test(target))
    .map((target) => path.posix.normalize(path.posix.join(path.posix.dirname(file), target)).replace(/\/$/, ''));
}

/** The folders in `folders` that no table row of `markdown` names in its first cell. */
function unmapped(folders: string[], markdown: string): string[] {
  const firstCells = [...markdown.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([^`]+)`/g)].map((t) => t[1]!.replace(/\/$/, '')));
  const mapped = new Set(firstCells);
  return folders.filter((folder) => !mapped.has(folder));
}

const architecture = readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');

describe('ARCHITECTURE.md', () => {
  it('names only paths that exist', () => {
    const named = namedPaths(architecture, topLevel);
    expect(named.length).toBeGreaterThan(50);
    expect(named.filter((p) => !present(p))).toEqual([]);
  });

  it('puts every folder of the tree on its maps', () => {
    const folders = [...[...topLevel].filter((entry) => tracked.some((f) => f.startsWith(`${entry}/`))), ...foldersUnder('adapter'), ...foldersUnder('test')];
    expect(folders).toContain('adapter/events');
    expect(unmapped(folders, architecture)).toEqual([]);
  });

  it('finds a missing path and an unmapped folder (the checks can fail)', () => {
    const sample = '| `adapter/runtime/` | ok |\n| `adapter/gone-folder/` | moved away |\nsee `adapter/main.ts` and `application/json`';
    expect(namedPaths(sample, topLevel).filter((p) => !present(p))).toEqual(['adapter/gone-folder/']);
    expect(unmapped(['adapter/runtime', 'adapter/lifecycle', 'test/lease'], `${sample}\n| \`test/lease/\`, \`test/proxy/\` | two |`)).toEqual([
      'adapter/lifecycle',
    ]);
  });
});

describe('Markdown links', () => {
  it('every relative link in a tracked Markdown file resolves', () => {
    const broken = tracked
      .filter((file) => file.endsWith('.md'))
      .flatMap((file) => linkTargets(file, readFileSync(path.join(ROOT, file), 'utf8')).map((target) => ({ file, target })))
      .filter(({ target }) => !present(target));
    expect(broken).toEqual([]);
  });

  it('resolves links from the linking file', () => {
    const up = '..'; // not written out: self-contained.test.ts would read it from this file's folder
    expect(linkTargets('layer/README.md', `[bench](${up}/test/bench/README.md#the-latest-run) [x](https://aws.amazon.com) [top](#top)`)).toEqual([
      'test/bench/README.md',
    ]);
  });
});
