// Builds Ferry with esbuild:
//   dist/layer/extensions/ferry   the adapter, one self-contained executable (the layer and the
//                                 image are built from this path); at most BUNDLE_BUDGET bytes
//   dist/layer/bootstrap          the exec wrapper (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap)
//   dist/layer/ferry-inline.mjs   inline mode (`node --import /opt/ferry-inline.mjs server.js`):
//                                 one self-contained ES module, also `ferry-lambda/inline`
//   dist/ferry-layer.zip          the layer archive: extensions/ferry + bootstrap, mode 0755
//   dist/ferry-bundle.json        the executable's modules and their bytes (size reports, tests)
//   dist/cli.js                   `ferry local` (emulator + front door); never in the layer
//   dist/local.mjs|.cjs           startLocal() for tests in users' projects
//   dist/wait-until.mjs|.cjs      the app-side waitUntil helper
//
// `--debug` (npm run build:debug), for maintainers: the adapter as one plain bundle instead, not
// minified, without the deferred chunk (whose code V8 compiles from comments, out of a debugger's
// reach), with dist/layer/extensions/ferry.map and `--enable-source-maps` in its shebang; no
// budget and no layer archive (a debug build is not for publishing). See CONTRIBUTING.md.
import { build } from 'esbuild';
import { chmod, copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { builtinsWithoutEsmFacade } from './builtins-without-esm-facade.mjs';
import { buildWithDeferredChunk } from './deferred-chunk.mjs';
import { zip } from './zip.mjs';

/** The adapter's size limit in bytes: it is read and compiled on every cold start. */
export const BUNDLE_BUDGET = 250_000;
const FERRY = 'dist/layer/extensions/ferry';
const debug = process.argv.includes('--debug');
const BOOTSTRAP = 'dist/layer/bootstrap';
const INLINE = 'dist/layer/ferry-inline.mjs';
/** Node options Ferry's executable starts itself with: launcher() below. */
const FERRY_NODE_OPTIONS = ['--v8-pool-size=1'];

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

const executable = {
  ...common,
  // CommonJS: an extension-less executable is loaded as CommonJS by every Node version.
  format: 'cjs',
  entryPoints: ['adapter/main.ts'],
  outfile: FERRY,
  minify: true,
  // No V8 flags for Ferry's own process: every heap-sizing flag changes V8's flag hash, so Node's
  // built-in code cache is rejected and its internals compile from source. Measured with Node 22
  // (median of 12 interleaved runs, CPU to the first /next in a 1,769 MB box, app listening):
  // 115.6 ms plain, 147.9 ms with --max-semi-space-size=2 set by a sh/JS polyglot first line
  // (111.4 ms for the polyglot alone), 142.2 ms with `env -S node --max-semi-space-size=2`; bare
  // node loading node:http, 20 runs on one core: 46.5 ms, 60.4 ms with the flag (the same with
  // --max-heap-size or --scavenger-max-new-space-capacity-mb). The flag's gain, RSS after 5,000
  // small invocations 92 → 70 MiB, is not worth that on every cold start; --single-threaded-gc
  // costs nothing and saves nothing (idle RSS and threads unchanged).
  // The young generation is capped at run time instead, after Init's built-ins: adapter/lifecycle/heap.ts.
  banner: { js: launcher() },
};
// Registration first: everything behind main.ts's import('./serve.ts') is compiled only after it.
const parts = debug ? await buildDebug(executable) : await buildWithDeferredChunk(executable, './serve.ts');
await chmod(FERRY, 0o755);
const bundleBytes = (await stat(FERRY)).size;
if (bundleBytes > BUNDLE_BUDGET && !debug) {
  throw new Error(`${FERRY} is ${bundleBytes} bytes, over the ${BUNDLE_BUDGET}-byte budget: dist/ferry-bundle.json lists what is in it`);
}
// Ferry speaks HTTP through Node's built-ins only (adapter/http1/ says why): a stray import
// would bring back undici's load and its WebAssembly compile on every cold start.
const bundled = Object.keys({ ...parts.eager, ...parts.deferred }).filter((input) => input.includes('node_modules/'));
if (bundled.length > 0) throw new Error(`${FERRY} must not bundle packages from node_modules, but contains: ${bundled.slice(0, 5).join(', ')}`);
// What the executable contains, module by module (not part of the layer).
await writeFile('dist/ferry-bundle.json', `${JSON.stringify({ bytes: bundleBytes, budget: BUNDLE_BUDGET, debug, ...parts }, null, 2)}\n`);

// An ES module, so `--import` loads it as one.
await build({ ...common, format: 'esm', entryPoints: ['adapter/inline/index.ts'], outfile: INLINE, minify: true, plugins: [builtinsWithoutEsmFacade] });

await copyFile('layer/bootstrap', BOOTSTRAP);
await chmod(BOOTSTRAP, 0o755);
// The layer is extracted into /opt: /opt/extensions/ferry (Lambda starts it), /opt/bootstrap and
// /opt/ferry-inline.mjs (inline mode: a function that uses it does not set the exec wrapper).
if (!debug) {
  await writeFile(
    'dist/ferry-layer.zip',
    zip([
      { name: 'bootstrap', data: await readFile(BOOTSTRAP), mode: 0o755 },
      { name: 'extensions/', mode: 0o755 },
      { name: 'extensions/ferry', data: await readFile(FERRY), mode: 0o755 },
      { name: 'ferry-inline.mjs', data: await readFile(INLINE), mode: 0o644 },
    ]),
  );
}

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
console.log(debug ? `${FERRY}: debug build, ${bundleBytes} bytes, source map ${FERRY}.map` : `${FERRY}: ${bundleBytes} bytes (budget ${BUNDLE_BUDGET})`);

/**
 * The executable's first two lines: a shell script to the kernel, comments to Node. sh runs
 * `':'` (a no-op) and execs node with Ferry's Node options; node skips the #! line and reads the
 * second as a string and a comment. Not `#!/usr/bin/env -S node …`: BusyBox's env (Alpine images)
 * has no -S. Node options, not V8 flags: a V8 flag on the command line costs Node's built-in code
 * cache (see `executable` above).
 *
 * --v8-pool-size=1: V8's platform gets one worker thread instead of four. Each worker keeps its
 * own malloc arena and stack pages: Ferry's anonymous memory after 5,000 invocations (Node 22,
 * Fastify app, 1,024 MB box, 4 runs before and 2 after) 17.6-18.7 → 16.5-16.6 MiB (the mappings
 * that are neither V8's pages nor the main heap: 3.2-4.4 → 1.9-2.3 MiB), the box's Max Memory Used
 * 50.6-51.9 → 48.9-49.3 MiB; CPU to the first /next 32.0 → 32.5 ms (median of 10, 1,769 MB box,
 * node -e 0: 19.7 ms), CPU per invocation 0.380 → 0.386 ms (3,000 in a row, 5 runs). Ferry's
 * background work (concurrent marking and sweeping, optimising compiles) is small, and a Lambda
 * box has less than one vCPU below 1,769 MB.
 */
function launcher(...extraOptions) {
  return ['#!/bin/sh', `':' //; exec node ${[...FERRY_NODE_OPTIONS, ...extraOptions].join(' ')} "$0" "$@"`].join('\n');
}

/** The executable as one ordinary bundle with a linked source map; its modules, as `eager`. */
async function buildDebug(options) {
  const result = await build({
    ...options,
    minify: false,
    sourcemap: 'linked',
    banner: { js: launcher('--enable-source-maps') },
    metafile: true,
  });
  const [output] = Object.values(result.metafile.outputs).filter((o) => o.entryPoint !== undefined);
  return { eager: Object.fromEntries(Object.entries(output.inputs).map(([input, { bytesInOutput }]) => [input, bytesInOutput])), deferred: {} };
}
