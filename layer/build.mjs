// Builds Ferry's single-file executables with esbuild:
//   dist/layer/extensions/ferry   the adapter (the layer and the image are built from this path)
//   dist/cli.js                   `ferry local` and the test/dev tooling (never in the layer)
import { build } from 'esbuild';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.18',
  // CommonJS: an extension-less executable is loaded as CommonJS by every Node version.
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
};

await rm('dist', { recursive: true, force: true });
await mkdir('dist/layer/extensions', { recursive: true });
// Inside this repository the root package.json says "type": "module"; this one keeps the
// extension-less executable CommonJS here too, as it is in /opt where no package.json is above it.
await writeFile('dist/package.json', '{ "type": "commonjs" }\n');
await build({
  ...common,
  entryPoints: ['adapter/main.ts'],
  outfile: 'dist/layer/extensions/ferry',
  minify: true,
  banner: { js: '#!/usr/bin/env node' },
});
await chmod('dist/layer/extensions/ferry', 0o755);
