/**
 * Ferry's entry. Two ways Lambda can start it:
 *   extension mode  /opt/extensions/ferry          registers, then serves; Lambda starts the app afterwards
 *   runtime mode    ferry -- <app command...>      Ferry is the runtime process and starts the app itself
 *
 * What happens before the first await is on every cold start's critical path, so it is only:
 *   extension mode  registration over Ferry's HTTP client, http1/ (Lambda starts the function's process only after
 *                   every extension has registered)
 *   runtime mode    spawning the app, so it boots while Ferry loads the rest
 * Then the pipeline, in serve.ts: configuration → app health and shutdown → readiness → the
 * invocation loops. It is loaded afterwards: the layer build keeps that code in
 * line comments at the end of the file, read back and compiled only at the dynamic import below
 * (layer/deferred-chunk.mjs), so it is not even parsed before registration. Nor is `performance`
 * touched before then: see uptime.ts.
 */
import path from 'node:path';
import type { AppProcess } from './app-process.ts';
import { inlineRequested } from './inline/claim.ts';
import type { ExtensionsClient } from './runtime/extensions-api.ts';
import { uptimeMs } from './uptime.ts';

async function main(): Promise<void> {
  const startedAt = uptimeMs();
  const separator = process.argv.indexOf('--');
  const appCommand = separator === -1 ? undefined : process.argv.slice(separator + 1);
  const runtimeApi = process.env.AWS_LAMBDA_RUNTIME_API;
  if (!runtimeApi) {
    process.stderr.write('[ferry] ERROR AWS_LAMBDA_RUNTIME_API is not set: Ferry runs inside AWS Lambda (or under `ferry local`).\n');
    process.exit(1);
  }

  let extension: ExtensionsClient | undefined;
  let app: AppProcess | undefined;
  if (appCommand === undefined) {
    try {
      // Imported here, not at the top: it loads node:net and Ferry's HTTP client, which runtime mode
      // does not need before it spawns the app. Measured when it still loaded node:http (Node 22,
      // fresh processes on one core, median of 21): loading node:child_process and spawning took
      // 12.5 ms of CPU with node:http loaded first, 10.4 ms without.
      const { registerExtension } = await import('./runtime/extensions-api.ts');
      extension = await registerExtension(runtimeApi, path.basename(process.argv[1] ?? 'ferry'));
    } catch (error) {
      process.stderr.write(`[ferry] ERROR could not register with the Extensions API at ${runtimeApi}: ${(error as Error).message}\n`);
      process.exit(1);
    }
  } else if (appCommand.length === 0) {
    process.stderr.write('[ferry] ERROR runtime mode needs the app command after `--`, e.g. `ferry -- node server.js`.\n');
    process.exit(1);
  } else {
    // The app boots while Ferry loads the rest, which gets this process to watch and stop.
    // (Imported here, not at the top: extension mode never needs node:child_process before registering.)
    const [{ startApp }, { createLogger }] = await Promise.all([import('./app-process.ts'), import('./log.ts')]);
    const format = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON' ? 'json' : 'text';
    app = startApp(appCommand, createLogger({ format, level: 'INFO' }));
  }
  const registeredAt = uptimeMs();
  // The function runs Ferry inline (adapter/inline): this extension only waits for SHUTDOWN.
  if (extension && inlineRequested(process.env)) return (await import('./inline/stand-aside.ts')).standAside(extension);

  const { serve } = await import('./serve.ts');
  await serve({ env: process.env, extension, app, startedAt, registeredAt });
}

void main();
