/** The READMEs' tables are part of the interface: they must list exactly what the code has. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { USAGE } from '../../adapter/cli/usage.ts';
import { ERRORS } from '../../adapter/errors.ts';
import { updateReadme } from '../bench/lib/report.mjs';
import { ROOT } from '../helpers/ferry.ts';

const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
const section = (name: string) => readme.split(`<!-- ${name}:start -->`)[1]!.split(`<!-- ${name}:end -->`)[0]!;
const names = (text: string, pattern: RegExp) => new Set([...text.matchAll(pattern)].map((m) => m[1]!));

describe('README', () => {
  // The configuration table is checked against the exported settings table: test/docs/settings.test.ts.

  it('lists every error type in the catalogue, and no other', () => {
    const documented = names(section('errors'), /^\| `(Ferry\.[A-Za-z]+)`/gm);
    expect(documented).toEqual(new Set(Object.values(ERRORS).map((entry) => entry.errorType)));
  });

  it("describes each error with the catalogue's summary", () => {
    const rows = section('errors')
      .split('\n')
      .filter((line) => line.startsWith('| `Ferry.'));
    expect(rows).toEqual(Object.values(ERRORS).map((entry) => `| \`${entry.errorType}\` | ${entry.summary} |`));
  });
});

describe('adapter/local/README.md', () => {
  it('documents every `ferry local` option the usage text has, and no other', () => {
    const localReadme = readFileSync(`${ROOT}/adapter/local/README.md`, 'utf8');
    const table = localReadme.split('## The command line')[1]!.split('\n## ')[0]!;
    const documented = names(table, /^\| `(?:-\w, )?(--[a-z-]+)/gm);
    const usage = names(USAGE, /^\s+(?:-\w, )?(--[a-z-]+)/gm);
    usage.delete('--help');
    expect(documented.size).toBeGreaterThan(5);
    expect(documented).toEqual(usage);
  });
});

describe('test/bench/README.md', () => {
  it('holds the section `npm run bench` rewrites, and README.md does not', () => {
    const benchReadme = readFileSync(`${ROOT}/test/bench/README.md`, 'utf8');
    expect(updateReadme(benchReadme, 'NEW FIGURES')).toContain('<!-- bench:start -->\nNEW FIGURES\n<!-- bench:end -->');
    expect(readme).not.toContain('<!-- bench:start -->');
  });
});

describe('README Limits table', () => {
  const table = section('limits');
  const rows = [...table.matchAll(/`([A-Z_]+)` = (\d+)/g)].map((m) => [m[1]!, Number(m[2])] as const);
  /** `const NAME = 64 * 1024;` anywhere in the adapter, evaluated (digits, `_` and `*` only). */
  function constantInCode(name: string): number | undefined {
    const files = ['adapter/respond/limits.ts', 'adapter/runtime/runtime-api.ts', 'adapter/handle-invocation.ts', 'adapter/lifecycle/app-health.ts'];
    for (const file of files) {
      const found = new RegExp(`const ${name} = ([\\d_ *]+);`).exec(readFileSync(`${ROOT}/${file}`, 'utf8'));
      if (found) return found[1]!.split('*').reduce((product, factor) => product * Number(factor.replaceAll('_', '').trim()), 1);
    }
    return undefined;
  }

  it('lists every limit defined in adapter/respond/limits.ts', () => {
    const defined = names(readFileSync(`${ROOT}/adapter/respond/limits.ts`, 'utf8'), /export const ([A-Z_]+) =/g);
    expect(defined.size).toBeGreaterThan(0);
    for (const name of defined) expect(rows.map(([n]) => n)).toContain(name);
  });

  it('states each limit with the value the code has', () => {
    expect(rows.length).toBeGreaterThanOrEqual(7);
    for (const [name, value] of rows) expect([name, constantInCode(name)]).toEqual([name, value]);
  });
});
