// Builds Ferry with esbuild:
//   dist/layer/extensions/ferry   the adapter, one self-contained executable (the layer and the
//                                 image are built from this path)
//   dist/cli.js                   `ferry local` (emulator + front door); never in the layer
//   dist/local.mjs|.cjs           startLocal() for tests in users' projects
//   dist/wait-until.mjs|.cjs      the app-side waitUntil helper
import { build } from 'esbuild';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.18',
  legalComments: 'none',
  logLevel: 'warning',
};

await rm('dist', { recursive: true, force: true });
await mkdir('dist/layer/extensions', { recursive: true });
// Inside this repository the root package.json says "type": "module"; this one keeps the
// extension-less executables CommonJS here too, as they are in /opt where no package.json is above.
await writeFile('dist/package.json', '{ "type": "commonjs" }\n');

await build({
  ...common,
  // CommonJS: an extension-less executable is loaded as CommonJS by every Node version.
  format: 'cjs',
  entryPoints: ['adapter/main.ts'],
  outfile: 'dist/layer/extensions/ferry',
  minify: true,
  banner: { js: '#!/usr/bin/env node' },
});
await chmod('dist/layer/extensions/ferry', 0o755);

if (existsSync('adapter/cli/main.ts')) {
  await build({ ...common, format: 'cjs', entryPoints: ['adapter/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } });
  await chmod('dist/cli.js', 0o755);
}
for (const [entry, name] of [
  ['adapter/local/index.ts', 'local'],
  ['adapter/wait-until/index.ts', 'wait-until'],
]) {
  if (!existsSync(entry)) continue;
  await build({ ...common, format: 'esm', entryPoints: [entry], outfile: `dist/${name}.mjs` });
  await build({ ...common, format: 'cjs', entryPoints: [entry], outfile: `dist/${name}.cjs` });
}
