// Bundle size of the built extension, and what it is made of (an esbuild metafile of the same
// entry point with the same options as layer/build.mjs, built in memory: dist/ is not touched).
import { build } from 'esbuild';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** The plugins layer/build.mjs uses for the extension (today: layer/slim-undici.mjs, when it exists). */
export async function ferryBuildPlugins(root) {
  const file = path.join(root, 'layer/slim-undici.mjs');
  if (!existsSync(file)) return [];
  const { slimUndici } = await import(pathToFileURL(file).href);
  return typeof slimUndici === 'function' ? [slimUndici()] : [];
}

export async function measureBundle(ctx) {
  const bytes = statSync(ctx.ferryBin).size;
  const gzipBytes = gzipSync(readFileSync(ctx.ferryBin), { level: 9 }).length;
  let composition;
  let analysisBytes;
  try {
    const result = await build({
      ...FERRY_BUILD_OPTIONS,
      absWorkingDir: ctx.root,
      minify: true,
      write: false,
      metafile: true,
      outfile: 'ferry.analysis.js',
      plugins: await ferryBuildPlugins(ctx.root),
    });
    const output = Object.values(result.metafile.outputs)[0];
    analysisBytes = result.outputFiles[0].contents.length;
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
  return {
    path: path.relative(ctx.root, ctx.ferryBin),
    bytes,
    kB: Number((bytes / 1000).toFixed(1)),
    gzipBytes,
    // The analysis build's own size: equal to `bytes` while it reproduces layer/build.mjs.
    analysisBytes,
    composition: composition.slice(0, 12),
  };
}
