// An esbuild plugin for the inline module (dist/layer/ferry-inline.mjs, an ES module): Node's
// built-in modules are taken with process.getBuiltinModule() instead of `import … from 'node:…'`.
//
// Why: an ES import of a built-in builds its ESM facade, which reads every export once, and
// node:http's exports include lazy getters (WebSocket, CloseEvent, MessageEvent) that load Node's
// whole bundled undici. The app's own CommonJS require('node:http') never reads them, and the
// extension (CommonJS) never did either. Measured on Node 22, CPU profile of one inline cold start
// in a 1,769 MB box (the app, apps/fastify): 60 ms of 619 ms under that undici load.
// process.getBuiltinModule exists from Node 20.16 and 22.3 (package.json asks for >= 20.18).
export const builtinsWithoutEsmFacade = {
  name: 'builtins-without-esm-facade',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-builtin' }));
    build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};
