/**
 * Ferry's entry. Two ways Lambda can start it:
 *   extension mode  /opt/extensions/ferry          registers, then serves; Lambda starts the app afterwards
 *   runtime mode    ferry -- <app command...>      Ferry is the runtime process and starts the app itself
 *
 * Registration comes first and uses only node:http: Lambda starts the function's own process
 * only after every extension has registered, so nothing else may delay it. Everything else is
 * loaded afterwards (esbuild turns the dynamic import into a lazily evaluated module).
 */
import path from 'node:path';
import { registerExtension, type ExtensionsClient } from './runtime/extensions-api.ts';

async function main(): Promise<void> {
  const startedAt = performance.now();
  const separator = process.argv.indexOf('--');
  const appCommand = separator === -1 ? undefined : process.argv.slice(separator + 1);
  const runtimeApi = process.env.AWS_LAMBDA_RUNTIME_API;
  if (!runtimeApi) {
    process.stderr.write('[ferry] ERROR AWS_LAMBDA_RUNTIME_API is not set: Ferry runs inside AWS Lambda (or under `ferry local`).\n');
    process.exit(1);
  }

  let extension: ExtensionsClient | undefined;
  if (appCommand === undefined) {
    try {
      extension = await registerExtension(runtimeApi, path.basename(process.argv[1] ?? 'ferry'));
    } catch (error) {
      process.stderr.write(`[ferry] ERROR could not register with the Extensions API at ${runtimeApi}: ${(error as Error).message}\n`);
      process.exit(1);
    }
  } else if (appCommand.length === 0) {
    process.stderr.write('[ferry] ERROR runtime mode needs the app command after `--`, e.g. `ferry -- node server.js`.\n');
    process.exit(1);
  }
  const registeredAt = performance.now();

  const { serve } = await import('./serve.ts');
  await serve({ env: process.env, extension, appCommand, startedAt, registeredAt });
}

void main();
