/**
 * The lease server: a loopback HTTP server through which the app says "I am still working" after
 * its response (see PROTOCOL.md). Ferry asks it, before requesting the next invocation, to wait
 * for those leases; Lambda freezes the sandbox the moment that request is made.
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import net from 'node:net';
import { LEASE_ID_HEADER, LEASE_URL_HEADER } from './headers.ts';
import { replyEmpty, replyJson, replyMessage } from './replies.ts';
import { routeOf } from './routes.ts';
import { createScope, type Scope } from './scope.ts';
import { settleScopes } from './settle.ts';
import { newScopeToken } from './tokens.ts';
import type { LeaseServer, SettleReport } from './types.ts';

const HOST = '127.0.0.1';

/**
 * An invocation's lease URL, from open() until it settles. Its scope is made only when the app
 * first calls that URL: most invocations never do, and a scope per invocation (its closures, map
 * and arrays) was two thirds of what survived V8's scavenges into Ferry's old space (a sampling
 * heap profile of 2,000 invocations: 1.7 of 2.6 KB each). Measured on Node 22, Fastify app,
 * extension mode, 2 runs each: after 5,000 invocations in a 1,024 MB box, V8's pages 12.3-12.5 →
 * 6.9 MiB, Ferry's anonymous memory 16.6-16.7 → 11.4 MiB, Max Memory Used 49.3-49.5 → 42.6-43.4
 * MiB; Ferry's RSS after 20,000 in a 1,769 MB box 63.3 → 55.3 MiB; CPU per invocation (3,000 in a
 * row, 5 runs) 0.435 → 0.411 ms.
 */
interface Opened {
  readonly requestId: string;
  readonly token: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  scope: Scope | undefined;
}

/**
 * Start the lease server on 127.0.0.1 and an ephemeral port. It never keeps the process alive
 * by itself: the listening socket and every accepted connection are unref'd.
 *
 * @example
 * const leases = await startLeaseServer();
 * const { headers } = leases.open(invocation.requestId); // add to the app's request
 * // ...forward, post the response to the Runtime API...
 * const report = await leases.settle(invocation.requestId, invocation.deadlineMs - marginMs);
 */
export async function startLeaseServer(): Promise<LeaseServer> {
  const byToken = new Map<string, Opened>();
  const byRequest = new Map<string, Opened>();
  const forget = (opened: Opened) => {
    byToken.delete(opened.token);
    if (byRequest.get(opened.requestId) === opened) byRequest.delete(opened.requestId);
  };
  /** The scopes made so far; an invocation that made none is forgotten here. */
  const takeScopes = () => {
    const scopes: Scope[] = [];
    for (const opened of [...byToken.values()]) {
      if (opened.scope === undefined) forget(opened);
      else scopes.push(opened.scope);
    }
    return scopes;
  };

  // Accepted on a plain net.Server; node:http is loaded at the first connection, which most
  // sandboxes never see (only apps that use waitUntil call the lease URL). Ferry's CPU to its first
  // /next, extension mode, Node 22, 1,769 MB box, interleaved, medians against http.createServer
  // up front (registration already off node:http in both): 77.0 vs 78.2 ms and 77.2 vs 80.3 (40
  // runs each), 77.8 vs 80.9 (80 runs); load average 1.3-3.6 on 2 shared cores.
  const server = net.createServer();
  let http: HttpServer | undefined;
  server.on('connection', (socket) => {
    socket.unref();
    http ??= createHttpServer((req, res) => {
      try {
        handle(req, res, (token) => {
          const opened = byToken.get(token);
          if (opened === undefined) return undefined;
          opened.scope ??= createScope(opened.requestId, opened.token, () => forget(opened));
          return opened.scope;
        });
      } catch {
        // A fault here must cost one request, never the adapter.
        res.destroy();
      }
    });
    http.emit('connection', socket);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
    listenOnLoopback(server);
  });
  // Nothing may crash the adapter once it runs; a listening server has no other source of errors.
  server.on('error', () => undefined);
  server.unref();
  const port = (server.address() as { port: number }).port;

  return {
    port,
    open(requestId) {
      let opened = byRequest.get(requestId);
      if (opened === undefined) {
        const token = newScopeToken();
        const url = `http://${HOST}:${port}/leases/${token}`;
        opened = { requestId, token, url, headers: { [LEASE_URL_HEADER]: url }, scope: undefined };
        byToken.set(token, opened);
        byRequest.set(requestId, opened);
      }
      return opened;
    },
    settle(requestId, untilMs) {
      const opened = byRequest.get(requestId);
      if (opened?.scope === undefined) {
        if (opened !== undefined) forget(opened);
        return Promise.resolve<SettleReport>({ leases: 0, waitedMs: 0, cutOff: [] });
      }
      return settleScopes([opened.scope], untilMs);
    },
    drain(untilMs) {
      return settleScopes(takeScopes(), untilMs);
    },
    close() {
      for (const scope of takeScopes()) scope.close();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Stops its timeout checks and ends its idle connections (it never listened itself).
        http?.close();
        // One turn for the cut-off lines to leave before the remaining connections are cut.
        setImmediate(() => http?.closeAllConnections());
      });
    },
  };
}

/**
 * node:http's server for the sockets the lease server accepts. It never listens itself, so it is
 * told 'listening' by hand: that is what starts its connection tracking, without which its
 * headersTimeout and requestTimeout are never enforced and closeAllConnections() finds nothing.
 */
function createHttpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): HttpServer {
  // getBuiltinModule (Node >= 20.16): a plain synchronous load, in the CommonJS bundle and in ESM alike.
  const { createServer } = process.getBuiltinModule('node:http');
  const http = createServer(handler);
  http.on('error', () => undefined);
  http.emit('listening');
  return http;
}

function handle(req: IncomingMessage, res: ServerResponse, scopeOf: (token: string) => Scope | undefined): void {
  req.on('error', () => undefined);
  res.on('error', () => undefined);
  // Bodies mean nothing here; read and drop them so the connection stays usable.
  req.resume();

  const route = routeOf(req.method, req.url);
  if (route.kind === 'refuse') {
    return replyMessage(res, route.status, route.message, route.allow ? { allow: route.allow } : {});
  }
  const scope = scopeOf(route.token);
  if (scope === undefined || scope.closed) {
    return replyMessage(res, 410, 'This lease URL is unknown or its invocation has settled: begin leases before sending the response.');
  }

  if (route.kind === 'end') {
    if (!scope.end(route.id, 'ended')) return replyMessage(res, 404, 'No open lease has this id in this invocation.');
    return replyEmpty(res, 204);
  }

  if (!route.hold) {
    const lease = scope.begin(undefined);
    return replyJson(res, 201, { id: lease.id }, { [LEASE_ID_HEADER]: lease.id });
  }

  // Registered before the 200 goes out: the app may treat the 200 as "Ferry has my lease".
  const lease = scope.begin(res);
  res.writeHead(200, { [LEASE_ID_HEADER]: lease.id, 'content-type': 'text/plain', 'cache-control': 'no-store' });
  res.flushHeaders();
  // Runs after our own end too; by then the lease is gone from the scope and this is a no-op.
  res.on('close', () => scope.end(lease.id, 'dropped'));
  // A peer that vanished before we got here would never emit 'close' again.
  if (req.socket.destroyed) scope.end(lease.id, 'dropped');
}

/** The part of net.Server that `listen` ends in (Node 20-24: setupListenHandle, kept as `_listen2`). */
interface BindsDirectly {
  _listen2?: (address: string, port: number, addressType: 4 | 6, backlog: number) => void;
}

/**
 * Listen on 127.0.0.1 and an ephemeral port; 'listening' or 'error' follows, as after listen().
 * `listen(0, '127.0.0.1')` cost ~10.7 ms more CPU than this (Node 22, fresh processes pinned to
 * one core, median of 21: 12.5 ms against 1.75 ms): it resolves even a numeric host through
 * node:dns, whose result filter runs net.isIPv6 and so compiles its large regular expression
 * (~5 ms), and it loads node:cluster (and with it node:child_process and node:dgram) to ask
 * whether this process is a cluster worker. A cluster primary skips both and calls `_listen2`,
 * the name Node keeps "to avoid breaking code that wraps this method"; so does Ferry, with
 * listen() where a Node has no such method.
 */
function listenOnLoopback(server: net.Server): void {
  const bind = (server as BindsDirectly)._listen2;
  if (typeof bind === 'function') bind.call(server, HOST, 0, 4, 511);
  else server.listen(0, HOST);
}
