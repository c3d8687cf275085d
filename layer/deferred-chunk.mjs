// Builds the layer executable as two parts in one file:
//   the eager part     main.ts and what it imports: registration over node:http (or, in runtime
//                      mode, spawning the app). Parsed and run at start.
//   the deferred part  everything behind main.ts's `import('./serve.ts')`: serve.ts, undici, the
//                      codecs. Appended after the eager part as line comments (`//` + each line);
//                      when that import runs, the file reads itself and compiles them.
//
// Why: V8 must scan every byte of a script before running any of it. esbuild already defers
// *evaluating* the serve part (a lazily initialised module), but the ~160 KB still had to be
// parsed before Ferry could register, and Lambda starts the app only after every extension has
// registered. Measured with Node 20 on x86_64 (child CPU time, median of 30): 35.6 ms for the
// plain bundle, 31.7 ms with this split, against 30.3 ms for `node` loading node:http alone.
// Comments rather than a string literal: V8 skips a comment, but must allocate and hash a 160 KB
// string; spawn → registered on Node 22 went from 1.07-1.09x to 1.03-1.05x of a bare node:http
// script that registers (two interleaved runs of 30 each).
//
// Modules the eager part already contains are not bundled twice: the deferred part requires them
// as `ferry-eager:<path>` and receives the eager part's instances (one instance of each module,
// as in an ordinary bundle).
import { build } from 'esbuild';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';

const EAGER_PREFIX = 'ferry-eager:';
/** The line before the deferred part: its last occurrence in the file (the eager part may hold it too). */
const DEFERRED_MARK = '\n//ferry-deferred\n';

/**
 * @param {import('esbuild').BuildOptions & { entryPoints: [string] }} options  the executable's build
 *   options (one entry point, format cjs); plugins apply to both parts.
 * @param {string} deferredImport  the specifier the entry imports dynamically, e.g. './serve.ts'
 * @returns {Promise<{ eager: Record<string, number>, deferred: Record<string, number> }>} the bundled
 *   modules of each part with their bytes in the output (the deferred part's are before minifying
 *   the string around them), for size reports
 */
export async function buildWithDeferredChunk(options, deferredImport) {
  const entry = path.resolve(options.entryPoints[0]);
  const deferredFile = path.resolve(path.dirname(entry), deferredImport);
  const plugins = options.plugins ?? [];
  const markDeferredExternal = {
    name: 'ferry-deferred-probe',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) =>
        args.kind === 'dynamic-import' && resolveRelative(args) === deferredFile ? { path: args.path, external: true } : undefined,
      );
    },
  };

  // 1. Which modules does the eager part contain?
  const probe = await build({ ...options, plugins: [markDeferredExternal, ...plugins], write: false, metafile: true, outfile: 'eager.js', banner: undefined });
  const eager = new Set(Object.keys(probe.metafile.inputs).map((input) => path.resolve(input)));

  // 2. The deferred part, with those modules left to the eager part.
  const shareEager = {
    name: 'ferry-share-eager',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const file = resolveRelative(args);
        // A path relative to the working directory: the output must not depend on where it was built.
        return eager.has(file) ? { path: EAGER_PREFIX + path.relative(process.cwd(), file).split(path.sep).join('/'), external: true } : undefined;
      });
    },
  };
  const deferred = await build({
    ...options,
    entryPoints: [deferredFile],
    plugins: [shareEager, ...plugins],
    write: false,
    metafile: true,
    outfile: 'deferred.js',
    banner: undefined,
  });
  const code = deferred.outputFiles[0].text;
  if (/\bimport\(/.test(code)) {
    // vm-compiled code has no module loader for import(): keep such imports out of the deferred part.
    throw new Error('deferred-chunk: the deferred part contains a dynamic import(), which vm.runInThisContext cannot load');
  }
  if (/[\r\u2028\u2029]/.test(code)) {
    // These end a line comment as well as a line: the deferred part would not survive as comments.
    throw new Error('deferred-chunk: the deferred part contains a CR, U+2028 or U+2029 outside an escape');
  }
  if (code.includes(DEFERRED_MARK)) throw new Error('deferred-chunk: the deferred part contains its own start mark');
  const shared = [...new Set([...code.matchAll(/require\("ferry-eager:([^"]+)"\)/g)].map((m) => m[1]))];

  // 3. The executable: the eager part, with the dynamic import resolved to a loader that reads the
  //    deferred part back from the end of this very file and compiles it.
  const loader = {
    name: 'ferry-deferred-loader',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) =>
        args.kind === 'dynamic-import' && resolveRelative(args) === deferredFile
          ? { path: path.relative(process.cwd(), deferredFile), namespace: 'ferry-deferred' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'ferry-deferred' }, () => ({
        loader: 'js',
        resolveDir: path.dirname(entry),
        contents: `
const { readFileSync } = require('node:fs');
const { runInThisContext } = require('node:vm');
const self = readFileSync(__filename, 'utf8');
const code = self.slice(self.lastIndexOf(${JSON.stringify(DEFERRED_MARK)}) + ${DEFERRED_MARK.length}).split('\\n').map((line) => line.slice(2)).join('\\n');
const eager = { ${shared.map((file) => `${JSON.stringify(file)}: () => require(${JSON.stringify(path.resolve(file))})`).join(', ')} };
const load = (id) => (id.startsWith(${JSON.stringify(EAGER_PREFIX)}) ? eager[id.slice(${EAGER_PREFIX.length})]() : require(id));
const wrapper = runInThisContext('(function (exports, require, module, __filename, __dirname) {' + code + '\\n})', { filename: __filename + '#deferred' });
wrapper(module.exports, load, module, __filename, __dirname);
`,
      }));
    },
  };
  const final = await build({ ...options, plugins: [loader, ...plugins], metafile: true });
  await appendFile(
    options.outfile,
    DEFERRED_MARK +
      code
        .split('\n')
        .map((line) => `//${line}`)
        .join('\n') +
      '\n',
  );
  return { eager: inputBytes(final.metafile), deferred: inputBytes(deferred.metafile) };
}

function inputBytes(metafile) {
  const [output] = Object.values(metafile.outputs);
  const entries = Object.entries(output.inputs).map(([input, { bytesInOutput }]) => [input, bytesInOutput]);
  return Object.fromEntries(entries.sort((a, b) => b[1] - a[1]));
}

function resolveRelative(args) {
  return /^\.\.?\//.test(args.path) ? path.resolve(args.resolveDir, args.path) : undefined;
}
