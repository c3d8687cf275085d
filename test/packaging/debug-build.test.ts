/**
 * `npm run build:debug`: the adapter as one plain bundle with a source map, for a debugger and
 * TypeScript stack traces. Built in a copy of the sources, so the release build in dist/ that
 * the other tests run stays as it is.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal } from '../../adapter/local/index.ts';
import { ECHO_APP, ROOT } from '../helpers/ferry.ts';

const copy = mkdtempSync(path.join(os.tmpdir(), 'ferry-debug-build-'));
const executable = path.join(copy, 'dist/layer/extensions/ferry');

beforeAll(() => {
  for (const entry of ['adapter', 'layer', 'package.json']) cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  execFileSync('npm', ['run', '--silent', 'build:debug'], { cwd: copy, stdio: 'pipe' });
}, 120_000);
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('the debug build (npm run build:debug)', () => {
  it('is one unminified bundle without the deferred chunk, linked to its source map', () => {
    const code = readFileSync(executable, 'utf8');
    expect(code.split('\n').slice(0, 2)).toEqual(['#!/bin/sh', `':' //; exec node --v8-pool-size=1 --enable-source-maps "$0" "$@"`]);
    expect(code).not.toContain('//ferry-deferred');
    expect(code).not.toContain('runInThisContext');
    expect(code).toMatch(/^async function handleInvocation\(/m);
    expect(code.trimEnd().endsWith('//# sourceMappingURL=ferry.map')).toBe(true);
    expect(JSON.parse(readFileSync(path.join(copy, 'dist/ferry-bundle.json'), 'utf8'))).toMatchObject({ debug: true, deferred: {} });
  });

  it("maps the bundle's code back to the TypeScript it came from, sources included", () => {
    const map = JSON.parse(readFileSync(`${executable}.map`, 'utf8')) as SourceMapPayload;
    const sources = map.sources.map((source) => path.relative(copy, path.resolve(path.dirname(executable), source)));
    for (const file of ['adapter/main.ts', 'adapter/serve.ts', 'adapter/handle-invocation.ts', 'adapter/lifecycle/app-health.ts']) {
      expect(sources).toContain(file);
      expect(map.sourcesContent![sources.indexOf(file)]).toBe(readFileSync(path.join(ROOT, file), 'utf8'));
    }
    const lines = readFileSync(executable, 'utf8').split('\n');
    const generated = lines.findIndex((line) => line.startsWith('async function handleInvocation('));
    const origin = new SourceMap(map).findOrigin(generated + 1, 1) as { fileName: string; lineNumber: number };
    const sourceLines = readFileSync(path.join(ROOT, 'adapter/handle-invocation.ts'), 'utf8').split('\n');
    expect(path.relative(copy, path.resolve(path.dirname(executable), origin.fileName))).toBe('adapter/handle-invocation.ts');
    expect(sourceLines[origin.lineNumber - 1]).toMatch(/^export async function handleInvocation\(/);
  });

  it('serves an invocation through the emulator, as the release build does', async () => {
    const lambda = await startLocal({ command: ECHO_APP, cwd: ROOT, port: 0, ferryPath: executable });
    try {
      const res = await fetch(`${lambda.url}/debug-build?x=1`);
      expect(res.status).toBe(200);
      expect((await res.json()).url).toBe('/debug-build?x=1');
      expect(lambda.logs.some((log) => log.source === 'ferry' && /app ready/.test(log.line))).toBe(true);
    } finally {
      await lambda.close();
    }
  });
});
