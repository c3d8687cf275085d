/**
 * `/_ferry` on the front door's port: the page, and `/_ferry/events` (Server-Sent Events, one
 * `invocation` message with the row's HTML each time a record changes; streamed chunks are sent
 * at most every 100 ms per invocation).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { detectEvent } from '../../events/index.ts';
import type { InvocationRecord, Journal } from './journal.ts';
import { renderPage, renderRecord } from './page.ts';

export const INSPECTOR_PATH = '/_ferry';
const THROTTLE_MS = 100;

/** The request Ferry's codec reads back from the event: what the app receives (Ferry adds its context headers). */
function appRequestOf(event: unknown): unknown {
  try {
    const detected = detectEvent(event);
    if (detected.kind !== 'http') return '(not an HTTP event: Ferry passes it to the app as it is)';
    const request = detected.codec.toRequest(event, { includeStage: false });
    return { method: request.method, target: request.target, headers: request.headers, body: request.body?.toString('utf8') ?? '' };
  } catch (error) {
    return `(Ferry could not read the event: ${(error as Error).message})`;
  }
}

const row = (r: InvocationRecord) => renderRecord(r, appRequestOf(r.event));

export function isInspectorPath(url: string | undefined): boolean {
  const path = (url ?? '/').split('?')[0];
  return path === INSPECTOR_PATH || path?.startsWith(`${INSPECTOR_PATH}/`) === true;
}

export function serveInspector(req: IncomingMessage, res: ServerResponse, journal: Journal, notes: string[]): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path === `${INSPECTOR_PATH}/events`) return events(req, res, journal);
  if (path !== INSPECTOR_PATH && path !== `${INSPECTOR_PATH}/`) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`${path} is not part of the Ferry inspector (it is at ${INSPECTOR_PATH})\n`);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(renderPage(journal.list().map(row), notes));
}

function events(req: IncomingMessage, res: ServerResponse, journal: Journal): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.write(': connected\n\n');
  const pending = new Map<string, NodeJS.Timeout>();
  const send = (r: InvocationRecord) => {
    pending.delete(r.requestId);
    res.write(`event: invocation\ndata: ${JSON.stringify({ id: `inv-${r.requestId}`, html: row(r) })}\n\n`);
  };
  const onChange = (r: InvocationRecord) => {
    // A streaming invocation changes with every chunk: at most one row update per 100 ms.
    if (r.state === 'streaming') {
      if (!pending.has(r.requestId))
        pending.set(
          r.requestId,
          setTimeout(() => send(r), THROTTLE_MS),
        );
      return;
    }
    clearTimeout(pending.get(r.requestId));
    send(r);
  };
  journal.changes.on('change', onChange);
  req.on('close', () => {
    journal.changes.off('change', onChange);
    for (const timer of pending.values()) clearTimeout(timer);
  });
}
