/**
 * Inline mode: `node --import ferry-lambda/inline server.js` (or NODE_OPTIONS=--import=…; in the
 * layer /opt/ferry-inline.mjs). Ferry runs inside the app's own process as the Lambda runtime:
 * it polls /next, sends each event to the app's own http.Server as real HTTP bytes and answers
 * the Runtime API, through the same pipeline as the sidecar (serve.ts, handle-invocation.ts).
 * Outside Lambda (no AWS_LAMBDA_RUNTIME_API), and in every child process of the one that became
 * the runtime, this module does nothing.
 *
 * Transport: the app's port over loopback TCP, through the same client as the sidecar
 * (adapter/http1/), so the app's server gets a real socket (remoteAddress, setTimeout, setNoDelay
 * are the kernel's). Measured (with undici, before adapter/http1/) against an in-memory connection
 * handed to the server (undici's `connect` returning one end of stream.duplexPair(), the other end
 * given to `server.emit('connection', …)`), one
 * Node 22 process, 5,000 sequential small GETs per round, three interleaved rounds on the loaded
 * 2-core machine: p50 136–234 µs over TCP against 161–305 µs in memory (every round slower in
 * memory: a Duplex pair costs a stream hop on each side where TCP is one write and one read); a
 * 190 MiB read was faster in memory (147–489 against 47–104 MiB/s), but Ferry's upload to the
 * Runtime API is TCP either way and warm latency is what most invocations pay.
 */
import { isMainThread } from 'node:worker_threads';
import { createLogger } from '../log.ts';
import { uptimeMs } from '../uptime.ts';
import { claimRuntime } from './claim.ts';
import { watchListens } from './listens.ts';
import { thisProcess } from './this-process.ts';

if (isMainThread && claimRuntime(process.env, process.pid)) {
  const startedAt = uptimeMs();
  const listens = watchListens(process.env);
  const format = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON' ? 'json' : 'text';
  // What Init is waiting for, for the line written if the process exits first.
  let waiting: string | undefined = `it listened on port ${process.env.AWS_LWA_PORT ?? process.env.PORT ?? 8080}`;
  const app = thisProcess(createLogger({ format, level: 'INFO' }), () => waiting);
  // Not awaited: the app's main module runs as soon as this module has been evaluated.
  void import('../serve.ts').then(({ serve }) =>
    serve({
      env: process.env,
      extension: undefined,
      startedAt,
      registeredAt: startedAt,
      app,
      waitForReady: async (config, untilMs, log) => {
        waiting = `it listened on port ${config.readinessPort}`;
        const result = await listens.waitForReady(config, untilMs, log);
        if (result.ready) waiting = undefined;
        return result;
      },
    }),
  );
}
