/** The README's tables are part of the interface: they must list exactly what the code has. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_TYPES } from '../../adapter/errors.ts';
import { ROOT } from '../helpers/ferry.ts';

const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
const section = (name: string) => readme.split(`<!-- ${name}:start -->`)[1]!.split(`<!-- ${name}:end -->`)[0]!;
const names = (text: string, pattern: RegExp) => new Set([...text.matchAll(pattern)].map((m) => m[1]!));

describe('README', () => {
  // The configuration table is checked against the exported settings table: test/docs/settings.test.ts.

  it('lists every error type in the catalogue, and no other', () => {
    const documented = names(section('errors'), /^\| `(Ferry\.[A-Za-z]+)`/gm);
    expect(documented).toEqual(new Set(Object.values(ERROR_TYPES)));
  });
});
