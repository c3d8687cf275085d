/** The README's tables are part of the interface: they must list exactly what the code has. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_TYPES } from '../../adapter/errors.ts';
import { ROOT } from '../helpers/ferry.ts';

const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
const section = (name: string) => readme.split(`<!-- ${name}:start -->`)[1]!.split(`<!-- ${name}:end -->`)[0]!;
const names = (text: string, pattern: RegExp) => new Set([...text.matchAll(pattern)].map((m) => m[1]!));

describe('README', () => {
  it('documents every setting Ferry reads, and no setting it does not', () => {
    const code = names(readFileSync(`${ROOT}/adapter/config.ts`, 'utf8'), /(?:read\.\w+\('|env\.)((?:AWS_LWA|FERRY)_[A-Z_]+)/g);
    const documented = names(section('config'), /^\| `((?:AWS_LWA|FERRY)_[A-Z_]+)`/gm);
    expect(documented).toEqual(code);
  });

  it('lists every error type in the catalogue, and no other', () => {
    const documented = names(section('errors'), /^\| `(Ferry\.[A-Za-z]+)`/gm);
    expect(documented).toEqual(new Set(Object.values(ERROR_TYPES)));
  });
});

describe('README Limits table', () => {
  const table = section('limits');
  const rows = [...table.matchAll(/`([A-Z_]+)` = (\d+)/g)].map((m) => [m[1]!, Number(m[2])] as const);
  /** `const NAME = 64 * 1024;` anywhere in the adapter, evaluated (digits, `_` and `*` only). */
  function constantInCode(name: string): number | undefined {
    const files = ['adapter/respond/limits.ts', 'adapter/runtime/runtime-api.ts', 'adapter/handle-invocation.ts', 'adapter/serve.ts'];
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
