/** The README's tables are part of the interface: they must list exactly what the code has. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../adapter/errors.ts';
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
    expect(documented).toEqual(new Set(Object.values(ERRORS).map((entry) => entry.errorType)));
  });

  it("describes each error with the catalogue's summary", () => {
    const rows = section('errors').split('\n').filter((line) => line.startsWith('| `Ferry.'));
    expect(rows).toEqual(Object.values(ERRORS).map((entry) => `| \`${entry.errorType}\` | ${entry.summary} |`));
  });
});
