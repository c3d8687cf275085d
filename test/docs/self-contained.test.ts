/**
 * The repository is self-contained: no tracked file (nor a new one git would track) names a path
 * outside it. The rules are in outside-paths.ts; the first tests show that each of them fires.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/ferry.ts';
import { outsideReferences, type Repository } from './outside-paths.ts';

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });

const repository: Repository = {
  exists: (relative) => existsSync(path.join(ROOT, relative)),
  ignored: (relative) => {
    try {
      git('check-ignore', '--quiet', '--no-index', relative);
      return true;
    } catch {
      return false;
    }
  },
};

// Built from pieces so that this file does not name them itself.
const up = '..';
const machine = (folder: string) => `/${folder}/`;

describe('outsideReferences', () => {
  const sample = { exists: (p: string) => ['test/helpers/ferry.ts', 'adapter/local/sandbox.ts'].includes(p), ignored: (p: string) => p.startsWith('dist/') };
  const found = (file: string, text: string) => outsideReferences(file, text, sample).map((r) => r.text);

  it.each([
    ['a sibling checkout read by a test', 'test/events/fixtures.test.ts', `path.resolve(here, '${up}/${up}/${up}/shared/fixtures/events')`],
    ['a sibling checkout named in prose', 'test/sources/a.test.ts', `Every sample in ${up}/shared/fixtures/events goes through`],
    ['a climb from the root in a template', 'test/streaming/a.test.ts', `const FIXTURES = \`\${ROOT}/${up}/shared/fixtures/events\`;`],
    ['a climb from the root in path.join', 'test/a.test.ts', `path.join(ROOT, '${up}', 'shared')`],
    ['a machine path in a comment', 'adapter/a.ts', ` * built to ${machine('work')}shared/docs/lambda-protocol.md.`],
    ['a machine path in results', 'test/bench/results.json', `"app": "${machine('root')}.nvm/versions/node/v22/bin/node"`],
    ['a home folder', 'README.md', `see ${machine('home')}me/ferry`],
  ])('finds %s', (_what, file, text) => {
    expect(found(file, text)).toHaveLength(1);
  });

  it('reports the line', () => {
    expect(outsideReferences('README.md', `one\ntwo ${machine('Users')}me\n`, sample)).toEqual([
      { file: 'README.md', line: 2, text: `${machine('Users')}me`, why: 'an absolute path of a machine' },
    ]);
  });

  it.each([
    ['Lambda paths', 'layer/README.md', 'Ferry at /opt/extensions/ferry, the task in /var/task, scratch in /tmp, node in /usr/local/bin/node'],
    ['an import that exists', 'test/docs/x.test.ts', `import { ROOT } from '${up}/helpers/ferry.ts';`],
    ['a markdown link that exists', 'adapter/local/emulator/README.md', `[sandbox](${up}/sandbox.ts)`],
    ['build output', 'apps/wait-until/app.js', `import('${up}/${up}/dist/wait-until.mjs')`],
    ['URLs', 'README.md', 'https://example.com/home/work/ and https://github.com/aws/aws-lambda-go'],
    ['an ellipsis and a spread', 'adapter/a.ts', 'wait... then f(...args)'],
    ['a path inside the root', 'test/a.test.ts', '`${ROOT}/test/fixtures/events`'],
  ])('allows %s', (_what, file, text) => {
    expect(found(file, text)).toEqual([]);
  });
});

it('no file in the repository names a path outside it', () => {
  const files = git('ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0').filter(Boolean);
  expect(files.length).toBeGreaterThan(100);
  const found = [];
  for (const file of files) {
    if (!existsSync(path.join(ROOT, file))) continue; // deleted in the working tree, not yet committed
    const bytes = readFileSync(path.join(ROOT, file));
    if (bytes.includes(0)) continue; // binary
    found.push(...outsideReferences(file, bytes.toString('utf8'), repository));
  }
  expect(found.map((r) => `${r.file}:${r.line}: ${r.text} (${r.why})`)).toEqual([]);
});
