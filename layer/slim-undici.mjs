// esbuild plugin: the layer bundle carries only the part of undici that Ferry can reach.
//
//   'undici'                      → layer/undici-entry.mjs (Pool, Client, request/stream/pipeline)
//   lib/dispatcher/client-h2.js   → a stub. HTTP/2 is negotiated only over TLS with ALPN
//                                   (`socket.alpnProtocol === 'h2'` in client.js); Ferry talks
//                                   plain http:// to the Runtime API and to the app.
//   lib/web/fetch/body.js         → a stub. client-h1 requires it lazily, only for a FormData
//                                   request body; Ferry sends Buffers, strings and streams. It
//                                   drags in fetch, webidl and the multipart parser.
//   lib/llhttp/llhttp*-wasm.js    → one llhttp build (the portable, non-SIMD one), brotli-
//                                   compressed. undici tries the SIMD build first and falls back
//                                   to the portable one; both requires now yield the portable
//                                   module, which compiles on every CPU, so the fallback cannot
//                                   fail. Measured on Node 20, x86_64: no difference in CPU
//                                   time between the two for Ferry's traffic (small and 1 MiB
//                                   responses, 40 headers), so the SIMD blob is not worth 20 KB.
//
// When a build includes undici, every replacement must be used: an undici upgrade that moves a
// file fails the build here instead of silently bundling the full module again.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const STUBS = {
  'lib/dispatcher/client-h2.js': `module.exports = function connectH2() {
  throw new Error("HTTP/2 is not part of Ferry's bundle: Ferry speaks HTTP/1.1 to the app and the Runtime API");
};`,
  'lib/web/fetch/body.js': `module.exports.extractBody = function extractBody() {
  throw new Error("FormData request bodies are not part of Ferry's bundle");
};`,
};
const LLHTTP = /[\\/]llhttp[\\/]llhttp(_simd)?-wasm\.js$/;

/** @returns {import('esbuild').Plugin} */
export function slimUndici() {
  return {
    name: 'ferry-slim-undici',
    setup(build) {
      const used = new Set();
      const undiciRoot = path.dirname(require.resolve('undici/package.json'));

      build.onResolve({ filter: /^undici$/ }, () => {
        used.add('undici');
        return { path: path.join(here, 'undici-entry.mjs') };
      });

      // Relative requires inside undici: match on the resolved path.
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!args.resolveDir.startsWith(undiciRoot)) return undefined;
        const resolved = path.resolve(args.resolveDir, args.path);
        const relative = path.relative(undiciRoot, resolved).split(path.sep).join('/');
        const stub = Object.keys(STUBS).find((name) => relative === name || `${relative}.js` === name);
        if (stub) {
          used.add(stub);
          return { path: stub, namespace: 'ferry-stub' };
        }
        if (LLHTTP.test(resolved.endsWith('.js') ? resolved : `${resolved}.js`)) {
          used.add('llhttp');
          return { path: 'llhttp-wasm.js', namespace: 'ferry-llhttp' };
        }
        return undefined;
      });

      build.onLoad({ filter: /.*/, namespace: 'ferry-stub' }, (args) => ({ contents: STUBS[args.path], loader: 'js' }));

      build.onLoad({ filter: /.*/, namespace: 'ferry-llhttp' }, () => {
        const wasm = require('undici/lib/llhttp/llhttp-wasm.js');
        const packed = brotliCompressSync(wasm, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: wasm.length },
        }).toString('base64');
        // Evaluated once, at the first connection (undici's lazyllhttp); node:zlib is already
        // loaded by then (response compression) and decoding takes about 0.2 ms.
        return {
          contents: `module.exports = require('node:zlib').brotliDecompressSync(Buffer.from(${JSON.stringify(packed)}, 'base64'));`,
          loader: 'js',
        };
      });

      build.onEnd((result) => {
        if (result.errors.length > 0 || !used.has('undici')) return undefined;
        const missing = ['undici', 'llhttp', ...Object.keys(STUBS)].filter((name) => !used.has(name));
        if (missing.length > 0) {
          return { errors: [{ text: `slim-undici: these replacements were never used (did undici move files?): ${missing.join(', ')}` }] };
        }
        return undefined;
      });
    },
  };
}
