// Bundle size of the built extension, and what it is made of (an esbuild metafile of the same
// entry point with the same options as layer/build.mjs, built in memory: dist/ is not touched).
import { build } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** layer/build.mjs's options for dist/layer/extensions/ferry. */
export const FERRY_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20.18',
  legalComments: 'none',
  logLevel: 'silent',
  format: 'cjs',
  entryPoints: ['adapter/main.ts'],
  banner: { js: '#!/usr/bin/env node' },
};

export async function measureBundle(ctx) {
  const bytes = statSync(ctx.ferryBin).size;
  const gzipBytes = gzipSync(readFileSync(ctx.ferryBin), { level: 9 }).length;
  let composition;
  try {
    const result = await build({ ...FERRY_BUILD_OPTIONS, absWorkingDir: ctx.root, minify: true, write: false, metafile: true, outfile: 'ferry.analysis.js' });
    const output = Object.values(result.metafile.outputs)[0];
    const groups = new Map();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const key = pkg ? `npm: ${pkg}` : input.startsWith('adapter/') ? `${input.split('/').slice(0, 2).join('/').replace(/\.ts$/, '.ts')}` : input;
      groups.set(key, (groups.get(key) ?? 0) + bytesInOutput);
    }
    composition = [...groups.entries()].map(([name, b]) => ({ name, bytes: b })).sort((a, b) => b.bytes - a.bytes);
  } catch (error) {
    composition = [{ name: `analysis failed: ${error.message}`, bytes: 0 }];
  }
  return { path: path.relative(ctx.root, ctx.ferryBin), bytes, kB: Number((bytes / 1000).toFixed(1)), gzipBytes, composition: composition.slice(0, 12) };
}
