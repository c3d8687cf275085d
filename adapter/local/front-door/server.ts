/**
 * The local front door: a real HTTP server that plays an AWS front end (Function URL, HTTP API,
 * REST API, ALB, VPC Lattice) in front of the Lambda emulator.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isInspectorPath, serveInspector, type Journal } from '../inspector/index.ts';
import { canonicalEventSource, EVENT_BUILDERS, type LegacyEventSource, type LocalEventSource } from './events/index.ts';
import { handleExchange, type Invoke } from './exchange.ts';
import { GATEWAYS } from './gateways.ts';

export interface FrontDoorOptions {
  /** How to reach Lambda: the emulator's `invoke`. */
  invoke: Invoke;
  /** Which front end to play; default `function-url` (legacy names such as `http-api` work too). */
  event?: LocalEventSource | LegacyEventSource;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** The region in ARNs and domain names; default `us-east-1`. */
  region?: string;
  /** One line per request (`GET /hello 200 12 ms`) and per error the front end answers. */
  onLog?: (line: string) => void;
  /** Serve the inspector at /_ferry from this journal (the app's own /_ferry is then not reached). */
  inspector?: { journal: Journal; notes: string[] };
}

export interface FrontDoor {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Listen on `host:port` and turn every request into an invocation, as the chosen AWS front end
 * would; streamed responses are written to the client as they arrive.
 *
 * @example
 * const emulator = await startEmulator();
 * const door = await startFrontDoor({ invoke: emulator.invoke, event: 'http-api-v2', port: 0 });
 * await fetch(`${door.url}/hello`);
 * await door.close();
 */
export async function startFrontDoor(options: FrontDoorOptions): Promise<FrontDoor> {
  const source = canonicalEventSource(options.event ?? 'function-url');
  const host = options.host ?? '127.0.0.1';
  const log = options.onLog ?? (() => undefined);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const deps = {
    invoke: options.invoke,
    build: EVENT_BUILDERS[source],
    gateway: GATEWAYS[source],
    context: { region: options.region ?? 'us-east-1', protocol: 'http' as const, port },
    log,
    journal: options.inspector?.journal,
  };
  server.on('request', (req, res) => {
    if (options.inspector && isInspectorPath(req.url)) return serveInspector(req, res, options.inspector.journal, options.inspector.notes);
    handleExchange(req, res, deps).catch((error: unknown) => {
      log(`${req.method} ${req.url} front door error: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.destroy();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
