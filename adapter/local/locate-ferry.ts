/**
 * Where the built Ferry executable (`dist/layer/extensions/ferry`) is: startLocal runs the real,
 * built adapter, never its source, so what is tested locally is what ships in the layer.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const EXTENSION = path.join('layer', 'extensions', 'ferry');

/**
 * The first of: `explicit`; beside the bundle that runs this code (`dist/cli.js`,
 * `dist/local.cjs` → `dist/layer/extensions/ferry`); the `ferry-lambda` package as resolved from
 * `cwd` (an installed package, or this repository itself); `<cwd>/dist/…`.
 * Throws an error that says how to build it when none exists.
 */
export function locateFerry(explicit: string | undefined, cwd: string): string {
  if (explicit !== undefined) {
    if (!existsSync(explicit)) throw new Error(`Ferry was not found at ${explicit} (the ferryPath option); build it with \`npm run build\`.`);
    return path.resolve(explicit);
  }
  const candidates: string[] = [];
  const here = ownDirectory();
  // Bundled: dist/cli.js, dist/local.mjs → dist/layer/…; from source: adapter/local → ../../dist/layer/….
  if (here !== undefined) candidates.push(path.join(here, EXTENSION), path.join(here, '..', '..', 'dist', EXTENSION));
  const packageRoot = resolvePackageRoot(cwd);
  if (packageRoot) candidates.push(path.join(packageRoot, 'dist', EXTENSION));
  candidates.push(path.join(cwd, 'dist', EXTENSION));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  throw new Error(
    `The built Ferry adapter (dist/${EXTENSION.split(path.sep).join('/')}) was not found. ` +
      `Run \`npm run build\` in the ferry-lambda repository first. Looked in:\n${[...new Set(candidates)].map((c) => `  ${c}`).join('\n')}`,
  );
}

/**
 * The folder of the file running this code. CommonJS has `__dirname`; an ES module would use
 * `import.meta.url`, but this same file is also built as CommonJS, where esbuild empties
 * `import.meta` (and warns), so the ES module build asks V8 for its own call site instead.
 */
function ownDirectory(): string | undefined {
  if (typeof __dirname === 'string') return __dirname;
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const file = (new Error().stack as unknown as NodeJS.CallSite[] | undefined)?.[0]?.getFileName();
    if (!file) return undefined;
    return path.dirname(file.startsWith('file:') ? fileURLToPath(file) : file);
  } catch {
    return undefined;
  } finally {
    Error.prepareStackTrace = original;
  }
}

function resolvePackageRoot(cwd: string): string | undefined {
  try {
    return path.dirname(createRequire(path.join(cwd, 'noop.js')).resolve('ferry-lambda/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * NODE_OPTIONS that load inline Ferry (dist/layer/ferry-inline.mjs, beside the extension's
 * folder) into the app's process, after the options already there. A file: URL needs no quoting.
 */
export function inlineNodeOptions(ferryPath: string, existing: string | undefined): string {
  const inline = path.join(path.dirname(path.dirname(ferryPath)), 'ferry-inline.mjs');
  if (!existsSync(inline)) throw new Error(`Inline Ferry was not found at ${inline}; build it with \`npm run build\`.`);
  return [existing, `--import=${pathToFileURL(inline).href}`].filter(Boolean).join(' ');
}

/** Whether a line of the app's process output is one of Ferry's own (inline mode). */
export function isFerryLine(line: string): boolean {
  return line.startsWith('[ferry] ') || line.includes('"logger":"ferry"');
}
