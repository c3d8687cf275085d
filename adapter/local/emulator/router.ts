import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventLog } from './event-log.ts';
import { createExtensionsApi } from './extensions-api-routes.ts';
import type { Platform } from './platform.ts';
import { reject } from './replies.ts';
import { createRuntimeApi } from './runtime-api-routes.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, param: string) => void | Promise<void>;
interface Route {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

/** The route table: unknown paths are 404, known paths with another method 405; both are `rejected`. */
export function createRouter(platform: Platform, log: EventLog) {
  const runtime = createRuntimeApi(platform);
  const extensions = createExtensionsApi(platform);
  const routes: Route[] = [
    { pattern: /^\/2018-06-01\/runtime\/invocation\/next$/, methods: { GET: runtime.next } },
    { pattern: /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/response$/, methods: { POST: (q, s, id) => runtime.response(q, s, id) } },
    { pattern: /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/error$/, methods: { POST: (q, s, id) => runtime.error(q, s, id) } },
    { pattern: /^\/2018-06-01\/runtime\/init\/error$/, methods: { POST: runtime.initError } },
    { pattern: /^\/2020-01-01\/extension\/register$/, methods: { POST: extensions.register } },
    { pattern: /^\/2020-01-01\/extension\/event\/next$/, methods: { GET: extensions.next } },
    { pattern: /^\/2020-01-01\/extension\/init\/error$/, methods: { POST: extensions.initError } },
    { pattern: /^\/2020-01-01\/extension\/exit\/error$/, methods: { POST: extensions.exitError } },
  ];

  return function route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    for (const { pattern, methods } of routes) {
      const match = pattern.exec(path);
      if (!match) continue;
      const handler = methods[req.method ?? ''];
      if (!handler) {
        const allow = Object.keys(methods).join(', ');
        return reject(log, req, res, { status: 405, errorType: 'MethodNotAllowed', message: `${req.method} ${path}: use ${allow}` }, { Allow: allow });
      }
      let param = match[1] ?? '';
      try {
        param = decodeURIComponent(param);
      } catch {
        // A malformed escape is just an unknown id.
      }
      Promise.resolve()
        .then(() => handler(req, res, param))
        .catch((error: Error) => {
          // A bug in the emulator must not crash the test process: record it and answer 500.
          log.record('emulator-error', { path, message: error.message, stack: error.stack });
          if (!res.headersSent && !res.destroyed) {
            res.writeHead(500, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ errorMessage: error.message, errorType: 'Emulator.InternalError' }));
          }
        });
      return;
    }
    reject(log, req, res, { status: 404, errorType: 'NotFound', message: `no such Lambda API path: ${req.method} ${path}` });
  };
}
