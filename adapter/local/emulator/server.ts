import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventLog } from './event-log.ts';
import { resolveOptions } from './options.ts';
import { createPlatform } from './platform.ts';
import { createRouter } from './router.ts';
import type { Emulator, EmulatorOptions } from './types.ts';

/**
 * Start an in-process AWS Lambda Runtime API + Extensions API on `host:port` (default an
 * ephemeral port on 127.0.0.1) and return a handle to drive and observe it.
 *
 * @example
 * const emulator = await startEmulator({ timeoutMs: 3000 });
 * // spawn the runtime with AWS_LAMBDA_RUNTIME_API=emulator.address, then:
 * const result = await emulator.invoke({ hello: 'world' });
 * result.json();
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const opts = resolveOptions(options);
  const log = createEventLog();
  const platform = createPlatform(opts, log);
  const route = createRouter(platform, log);

  // No request timeout and no keep-alive timeout: /next long-polls for as long as the sandbox
  // idles (minutes while frozen), and the real platform never drops the runtime's connection.
  const server = createServer({ requestTimeout: 0, keepAliveTimeout: 0 }, route);
  server.keepAliveTimeout = 0;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') {
      log.record('rejected', { status: 400, path: undefined, errorType: 'BadRequest', reason: `malformed HTTP: ${error.code ?? error.message}` });
    }
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let closing: Promise<void> | undefined;

  return {
    address: `${host}:${port}`,
    options: opts,
    events: log.events,
    history: log.history,
    sandboxPids: platform.sandboxPids,
    invoke: (event, invokeOptions) => platform.invoke(event, invokeOptions),
    waitFor: (name, predicate, timeoutMs, since) => log.waitFor(name, predicate, timeoutMs, since),
    mark: () => log.history.length,
    record: (name, payload) => log.record(name, payload),
    get initError() {
      const e = platform.state.initError;
      return e && { errorType: e.errorType, body: e.body, ...(e.extension ? { extension: e.extension } : {}) };
    },
    get extensions() {
      return platform.extensions.list.map((e) => ({ name: e.name, id: e.id, events: [...e.events] }));
    },
    snapshot: () => platform.snapshot(),
    async shutdown(reason, windowMs = 2000) {
      if (platform.state.closed) return;
      platform.shutdown(reason, windowMs);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        platform.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
