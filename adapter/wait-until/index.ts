/**
 * `waitUntil` for apps that run behind Ferry on AWS Lambda (published as `ferry-lambda/wait-until`).
 *
 * Lambda freezes the sandbox as soon as Ferry has delivered the response and asks for the next
 * invocation, so work an app starts after answering (analytics, cache writes, emails) stalls until
 * some later invocation thaws it, or is lost. `waitUntil` takes a lease from Ferry
 * (adapter/lease/PROTOCOL.md) that keeps the sandbox running until the work settles, bounded by
 * the invocation deadline.
 *
 * Runs on plain Node 20 with only `node:` built-ins: this file is loaded inside the app, not Ferry.
 *
 * @example
 * import { waitUntil } from 'ferry-lambda/wait-until';
 * app.post('/orders', async (req, res) => {
 *   const order = await saveOrder(req.body);
 *   waitUntil(req, () => sendReceipt(order)); // before the response, see below
 *   res.status(201).json(order);
 * });
 *
 * Call it before sending the response: the lease must exist at Ferry before the response reaches
 * it. The helper makes that true by holding back the response's bytes for one loopback round trip.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** Work to keep the sandbox alive for: a promise, or a function that starts it. */
export type Work = Promise<unknown> | (() => Promise<unknown>);

/** What the helper needs of a request: node:http's, Express's and Fastify's requests all fit. */
export interface WaitUntilRequest {
  headers: Record<string, string | string[] | undefined>;
  socket?: Socket;
}

/** Keep the Lambda sandbox running until `promise` settles (bounded by the invocation deadline). */
export function waitUntil(req: WaitUntilRequest, promise: Work): void {
  let release: (() => void) | undefined;
  let work: Promise<void> | undefined;
  try {
    const url = leaseUrlOf(req);
    if (url === undefined) {
      work = watch(promise);
      return;
    }
    // Held before the work starts: work that answers synchronously must not slip past the lease.
    release = holdResponse(req.socket);
    work = watch(promise);
    takeLease(url, release, work);
  } catch (error) {
    // Never throw into the app, never leave its response held, always let its work run.
    release?.();
    if (work === undefined) watch(promise);
    warnOnce('internal', `[ferry] waitUntil failed internally; the work runs but holds no lease: ${describe(error)}`);
  }
}

/**
 * `waitUntil` for frameworks that hide the request: finds the current request through
 * AsyncLocalStorage, filled for every request node:http serves once this module is imported.
 */
export function waitUntilCurrent(promise: Work): void {
  const store = current.getStore();
  if (store === undefined) {
    watch(promise);
    warnOnce(
      'no-request',
      '[ferry] waitUntilCurrent() found no current request (was ferry-lambda/wait-until imported before the server started?); the work runs but the sandbox may freeze before it ends.',
    );
    return;
  }
  waitUntil(store.request, promise);
}

const LEASE_URL_HEADER = 'x-ferry-lease-url';
/** A begin that takes longer than this means Ferry is not answering; the response must not wait on it. */
const BEGIN_TIMEOUT_MS = 2_000;
const END_TIMEOUT_MS = 2_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

// --- the current request -------------------------------------------------------------------

const current = new AsyncLocalStorage<{ request: WaitUntilRequest }>();

/*
 * node:http publishes `http.server.request.start` (a built-in channel since Node 18, present on
 * every Node 20, still marked experimental) synchronously just before it emits 'request', so
 * entering the store here puts the handler and everything it starts into this request's async
 * context. Subscribed once, when this module is first imported. A subscriber that throws becomes
 * an uncaught exception in the app, hence the try.
 */
diagnostics.subscribe('http.server.request.start', (message) => {
  try {
    const request = (message as { request?: IncomingMessage } | undefined)?.request;
    if (request !== undefined) current.enterWith({ request: request as WaitUntilRequest });
  } catch {
    // Without the store only waitUntilCurrent is lost, and it says so when called.
  }
});

// --- the work ------------------------------------------------------------------------------

/** Starts the work and returns a promise that always fulfils once it has settled. */
function watch(work: Work): Promise<void> {
  let started: Promise<unknown>;
  try {
    started = Promise.resolve(typeof work === 'function' ? work() : work);
  } catch (error) {
    started = Promise.reject(error);
  }
  return started.then(
    () => undefined,
    (error: unknown) => {
      console.error('[ferry] waitUntil: the work failed:', error);
    },
  );
}

// --- holding the response back -------------------------------------------------------------

interface Hold {
  count: number;
  restore: () => void;
}
const holds = new WeakMap<Socket, Hold>();

/**
 * Corks the request's socket so that no byte of the response leaves before the lease is taken,
 * and returns the (idempotent) release.
 *
 * A bare cork() is not enough: node:http's ServerResponse.end() "fully uncorks" the socket (it
 * sets the cork count to 1 and uncorks), which would flush the response at once. So while a hold
 * is on, the socket's own `uncork` is shadowed by one that never lowers the count below 1; the
 * last release removes it and takes away that final level.
 */
function holdResponse(socket: Socket | undefined): () => void {
  if (socket === undefined || typeof socket.cork !== 'function') {
    warnOnce(
      'no-socket',
      '[ferry] waitUntil: the request has no socket, so the response cannot wait for the lease; call waitUntil with the node:http request.',
    );
    return () => undefined;
  }
  // The client is gone: there is no response left to hold.
  if (socket.destroyed) return () => undefined;
  let hold: Hold | undefined;
  try {
    socket.cork();
    hold = holds.get(socket);
    if (hold === undefined) {
      hold = { count: 0, restore: guardUncork(socket) };
      holds.set(socket, hold);
    }
    hold.count++;
  } catch {
    return () => undefined;
  }
  const taken = hold;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      taken.count--;
      if (taken.count === 0) {
        holds.delete(socket);
        taken.restore();
      }
      // With other holds left this goes through the guard and keeps the socket corked.
      socket.uncork();
    } catch {
      // A socket that fails to uncork is destroyed already; nothing is left to hold.
    }
  };
}

/** Shadows `socket.uncork` so the cork count stays at least 1; returns the undo. */
function guardUncork(socket: Socket): () => void {
  const own = Object.getOwnPropertyDescriptor(socket, 'uncork');
  const underlying = socket.uncork;
  const guard = function (this: Socket): void {
    if (this.writableCorked <= 1) return;
    underlying.call(this);
  };
  Object.defineProperty(socket, 'uncork', { value: guard, configurable: true, writable: true, enumerable: false });
  return () => {
    if (socket.uncork !== guard) return;
    if (own !== undefined) Object.defineProperty(socket, 'uncork', own);
    else Reflect.deleteProperty(socket, 'uncork');
  };
}

// --- the lease -----------------------------------------------------------------------------

/**
 * Begins a held lease, releases the response once Ferry answered (or failed to), and ends the
 * lease once the work has settled.
 */
function takeLease(url: string, release: () => void, work: Promise<void>): void {
  // pending: Ferry has not answered; held: Ferry holds lease `leaseId`; over: no lease to end.
  let state: 'pending' | 'held' | 'over' = 'pending';
  let leaseId: string | undefined;
  let timedOut = false;
  let hungUp = false;

  const begin = http.request(url, { method: 'POST', agent: false, headers: { 'content-length': '0' } });
  // The held connection must not keep the app's process alive on its own.
  begin.on('socket', (socket) => socket.unref());
  const timer = setTimeout(() => {
    timedOut = true;
    warnOnce(
      'begin-timeout',
      `[ferry] waitUntil: Ferry did not answer the lease request within ${BEGIN_TIMEOUT_MS} ms; the response goes out without a lease.`,
    );
    begin.destroy();
  }, BEGIN_TIMEOUT_MS);
  timer.unref();
  const answered = (next: 'held' | 'over') => {
    if (state !== 'pending') return;
    state = next;
    clearTimeout(timer);
    release();
  };

  begin.on('response', (res) => {
    res.on('error', () => undefined);
    if (res.statusCode !== 200) {
      answered('over');
      res.resume();
      warnOnce(
        `refused-${res.statusCode}`,
        `[ferry] waitUntil: Ferry refused the lease (HTTP ${res.statusCode}); call waitUntil before sending the response. The work runs but the sandbox may freeze before it ends.`,
      );
      return;
    }
    leaseId = headerOf(res.headers['x-ferry-lease-id']);
    answered('held');
    let said = '';
    res.setEncoding('utf8');
    res.on('data', (text: string) => {
      said = (said + text).slice(0, 64);
    });
    res.on('end', () => {
      if (said.startsWith('cut-off'))
        console.warn('[ferry] waitUntil: the lease was cut off at the invocation deadline; unfinished work freezes with the sandbox.');
    });
  });
  begin.on('error', (error) => {
    const wasPending = state === 'pending';
    answered('over');
    // Errors we caused (work done first, begin timed out) need no word.
    if (wasPending && !hungUp && !timedOut) {
      warnOnce(
        'begin-failed',
        `[ferry] waitUntil: could not take a lease from Ferry (${describe(error)}); the work runs but the sandbox may freeze before it ends.`,
      );
    }
  });
  // Every way out of the begin releases the response: 'close' follows errors, aborts and ends.
  begin.on('close', () => answered('over'));
  begin.end();

  void work.then(() => {
    if (state === 'held') endLease(url, leaseId, begin);
    // Hanging up ends a lease Ferry may already have registered, and releases the response.
    else if (state === 'pending') {
      hungUp = true;
      begin.destroy();
    }
  });
}

/** DELETE the lease; whatever the outcome, hang up the held connection, which also ends it. */
function endLease(url: string, id: string | undefined, begin: http.ClientRequest): void {
  if (id === undefined) {
    begin.destroy();
    return;
  }
  const end = http.request(`${url}/${encodeURIComponent(id)}`, { method: 'DELETE', agent: false });
  end.on('socket', (socket) => socket.unref());
  const timer = setTimeout(() => end.destroy(), END_TIMEOUT_MS);
  timer.unref();
  end.on('response', (res) => {
    res.on('error', () => undefined);
    res.resume();
  });
  end.on('error', () => undefined);
  end.on('close', () => {
    clearTimeout(timer);
    begin.destroy();
  });
  end.end();
}

// --- small things --------------------------------------------------------------------------

/** The lease URL Ferry sent, or undefined (with a one-time warning) when there is none to trust. */
function leaseUrlOf(req: WaitUntilRequest): string | undefined {
  const value = headerOf(req.headers?.[LEASE_URL_HEADER]);
  if (value === undefined) {
    warnOnce(
      'outside',
      `[ferry] waitUntil: no ${LEASE_URL_HEADER} header, so this is not running behind Ferry (or Ferry is too old); the work runs but nothing keeps a Lambda sandbox awake for it.`,
    );
    return undefined;
  }
  // Ferry only ever sends a loopback URL; anything else came from outside and must not be called.
  const parsed = URL.canParse(value) ? new URL(value) : undefined;
  if (parsed?.protocol !== 'http:' || !LOOPBACK.has(parsed.hostname)) {
    warnOnce('foreign', `[ferry] waitUntil: ignoring a ${LEASE_URL_HEADER} that is not a loopback http URL.`);
    return undefined;
  }
  return value;
}

function headerOf(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

const warned = new Set<string>();

/** A helper that silently does nothing is a reported bug; one that repeats itself is noise. */
function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
