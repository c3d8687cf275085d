import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { EventLog } from './event-log.ts';
import { createExtensionRegistry } from './extension-registry.ts';
import { createFreezer } from './freezer.ts';
import { jsonHeader } from './ids.ts';
import { Invocation } from './invocation.ts';
import type { EmulatorSnapshot, InvokeOptions, InvokeResult, ResolvedEmulatorOptions } from './types.ts';

/** A parked `GET /runtime/invocation/next`. */
export interface RuntimeWaiter {
  req: IncomingMessage;
  res: ServerResponse;
}

export interface InitError {
  errorType?: string;
  body: any;
  /** Set when an extension reported it (`/extension/init/error`). */
  extension?: string;
  /** The bytes as posted, returned to the first invocation. */
  raw: Buffer;
}

/**
 * The sandbox as the platform sees it: the invocation queue, the runtime's and extensions'
 * parked `next` calls, deadlines, and when to deliver or freeze. The HTTP handlers only read
 * requests and call in here; every state change ends with `changed()`.
 */
export function createPlatform(opts: ResolvedEmulatorOptions, log: EventLog) {
  const managed = opts.maxConcurrency !== undefined;
  const invocations = new Map<string, Invocation>();
  const queue: Invocation[] = [];
  const runtimeWaiters: RuntimeWaiter[] = [];
  /** Delivered and still owed an answer by the runtime (Managed Instances: timed-out ones too). */
  const active = new Set<Invocation>();
  /** Streaming uploads register how to describe a partial body if the deadline hits mid-upload. */
  const partialOnTimeout = new WeakMap<Invocation, () => Partial<InvokeResult>>();
  const sandboxPids = new Set<number>();
  const extensions = createExtensionRegistry(log, () => changed());

  const state = {
    initDone: false,
    initError: undefined as InitError | undefined,
    shuttingDown: false,
    closed: false,
    /** Streamed `/response` uploads still arriving. */
    activeUploads: 0,
    /**
     * Single concurrency: the invocation whose invoke phase is open. The phase ends when it is
     * answered (or timed out) AND the runtime and every extension wait on `next` again; only then
     * is the next invocation delivered.
     */
    current: null as Invocation | null,
  };

  const freezer = createFreezer({
    enabled: opts.freeze && !managed,
    settleMs: opts.freezeSettleMs,
    pids: sandboxPids,
    log,
    canFreeze: () =>
      state.initDone &&
      !state.closed &&
      !state.shuttingDown &&
      queue.length === 0 &&
      state.current === null &&
      state.activeUploads === 0 &&
      runtimeWaiters.length > 0 &&
      extensions.allWaiting(),
  });

  function blockedBy(): string | undefined {
    if (queue.length === 0) return undefined;
    if (state.shuttingDown) return 'the sandbox is shutting down';
    if (runtimeWaiters.length === 0) return 'the runtime is not waiting on /runtime/invocation/next';
    if (!managed && state.activeUploads > 0) return 'a streamed response is still uploading';
    if (managed) return active.size >= opts.maxConcurrency! ? `maxConcurrency (${opts.maxConcurrency}) invocations in flight` : undefined;
    if (state.current) {
      const c = state.current;
      if (!c.settled) return `invocation ${c.requestId} is not answered yet`;
      const busy = extensions.list.filter((e) => !e.released && !extensions.isWaiting(e)).map((e) => e.name);
      if (busy.length > 0) return `extensions not waiting on /extension/event/next: ${busy.join(', ')}`;
    }
    return undefined;
  }

  function changed(): void {
    if (state.closed) return;
    if (!managed) endPhaseIfDone();
    deliverAll();
    freezer.evaluate();
  }

  function endPhaseIfDone(): void {
    const c = state.current;
    if (!c?.settled || runtimeWaiters.length === 0 || !extensions.allIdle()) return;
    clearTimeout(c.timer);
    state.current = null;
  }

  function deliverAll(): void {
    while (queue.length > 0 && runtimeWaiters.length > 0 && !state.shuttingDown) {
      if (!managed && state.activeUploads > 0) return;
      if (managed ? active.size >= opts.maxConcurrency! : state.current !== null) return;
      if (!managed && !extensions.allIdle()) return;
      const waiter = runtimeWaiters.shift()!;
      // A parked call whose connection is gone cannot take an invocation.
      if (waiter.res.destroyed || waiter.req.socket.destroyed) continue;
      deliver(queue.shift()!, waiter);
    }
  }

  function deliver(inv: Invocation, waiter: RuntimeWaiter): void {
    const o = inv.options;
    inv.deadlineMs = Date.now() + inv.timeoutMs;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Content-Length': String(inv.event!.length),
      'Lambda-Runtime-Aws-Request-Id': inv.requestId,
      'Lambda-Runtime-Deadline-Ms': String(inv.deadlineMs + (inv.options.deadlineSkewMs ?? 0)),
      'Lambda-Runtime-Invoked-Function-Arn': opts.functionArn,
      'Lambda-Runtime-Trace-Id': inv.traceId,
    };
    if (o.clientContext !== undefined) headers['Lambda-Runtime-Client-Context'] = jsonHeader(o.clientContext);
    if (o.cognitoIdentity !== undefined) headers['Lambda-Runtime-Cognito-Identity'] = jsonHeader(o.cognitoIdentity);
    if (o.tenantId !== undefined) headers['Lambda-Runtime-Aws-Tenant-Id'] = o.tenantId;
    if (inv.invocationId !== null) headers['Lambda-Runtime-Invocation-Id'] = inv.invocationId;
    waiter.res.writeHead(200, headers);
    waiter.res.end(inv.event);

    inv.state = 'delivered';
    inv.event = null;
    active.add(inv);
    inv.result.timings.deliveredAt = performance.now();
    inv.timer = setTimeout(() => onDeadline(inv), inv.timeoutMs);
    inv.timer.unref();
    if (!managed) state.current = inv;
    log.record('invocation-delivered', { requestId: inv.requestId, deadlineMs: inv.deadlineMs });
    for (const ext of extensions.list) {
      if (!ext.events.includes('INVOKE')) continue;
      extensions.push(ext, {
        eventType: 'INVOKE',
        deadlineMs: inv.deadlineMs,
        requestId: inv.requestId,
        invokedFunctionArn: opts.functionArn,
        tracing: { type: 'X-Amzn-Trace-Id', value: inv.traceId },
      });
    }
  }

  function onDeadline(inv: Invocation): void {
    if (state.closed) return;
    if (!inv.settled) {
      inv.timedOut = true;
      // Managed Instances do not kill the runtime: it still owes an answer, which will get 410.
      if (managed) inv.owed = true;
      else active.delete(inv);
      inv.settle('timeout', partialOnTimeout.get(inv)?.() ?? {});
      log.record('invocation-done', { requestId: inv.requestId, outcome: 'timeout' });
      if (!managed) {
        log.record('sandbox-reset', { reason: 'timeout', requestId: inv.requestId, releasedExtensions: extensions.releaseBusy() });
        state.current = null;
      }
    } else if (!managed && state.current === inv) {
      // Answered in time, but the runtime or an extension held back its `next` past the deadline
      // (post-response work): the function timeout covers that too.
      log.record('sandbox-reset', {
        reason: 'timeout',
        requestId: inv.requestId,
        afterResponse: true,
        releasedExtensions: extensions.releaseBusy(),
      });
      state.current = null;
    }
    changed();
  }

  /** The invoker's view of an init failure: the init error document, as the first invocation's error. */
  function settleWithInitError(inv: Invocation): void {
    const e = state.initError!;
    inv.settle('error', { payload: e.raw, errorType: e.errorType ?? 'Runtime.Unknown', bodyBytes: e.raw.length });
    log.record('invocation-done', { requestId: inv.requestId, outcome: 'error', initError: true });
  }

  return {
    opts,
    managed,
    log,
    /** Read-only for the handlers: every change goes through the methods below. */
    state: state as Readonly<typeof state>,
    invocations: invocations as ReadonlyMap<string, Invocation>,
    runtimeWaiters: runtimeWaiters as ReadonlyArray<RuntimeWaiter>,
    sandboxPids,
    extensions,
    freezer,
    active: active as ReadonlySet<Invocation>,
    changed,

    /** A runtime `/next` call parks until an invocation is there for it; the first one ends Init. */
    runtimeWaits(waiter: RuntimeWaiter): void {
      if (!state.initDone) {
        state.initDone = true;
        log.record('init-done', {});
      }
      runtimeWaiters.push(waiter);
      log.record('runtime-next', { pending: runtimeWaiters.length });
      changed();
    },

    /** A parked `/next` call's connection closed before an invocation was delivered on it. */
    runtimeGaveUp(waiter: RuntimeWaiter): void {
      const at = runtimeWaiters.indexOf(waiter);
      if (at < 0 || waiter.res.writableFinished) return;
      runtimeWaiters.splice(at, 1);
      log.record('runtime-next-aborted', {});
      changed();
    },

    /** The runtime began answering `inv` (`/response` or `/error`): a second answer is refused. */
    answerStarted(inv: Invocation): void {
      inv.answered = true;
    },

    /**
     * A streamed `/response` began: no next invocation until it ends. `partial` describes what
     * arrived so far, for the invoker if the deadline hits mid-upload.
     */
    uploadStarted(inv: Invocation, partial: () => Partial<InvokeResult>): void {
      state.activeUploads++;
      partialOnTimeout.set(inv, partial);
    },

    /** The streamed upload ended (complete or cut off); `finish`/`lateAnswer` and `changed()` follow. */
    uploadEnded(inv: Invocation): void {
      state.activeUploads--;
      partialOnTimeout.delete(inv);
    },

    invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
      if (state.closed) return Promise.reject(new Error('the emulator is closed'));
      if (state.shuttingDown) return Promise.reject(new Error('the sandbox is shutting down: shutdown() was called'));
      if (options.requestId !== undefined && invocations.has(options.requestId)) {
        return Promise.reject(new Error(`requestId ${options.requestId} was already used in this emulator`));
      }
      const bytes = Buffer.isBuffer(event)
        ? event
        : typeof event === 'string'
          ? Buffer.from(event, 'utf8')
          : Buffer.from(event === undefined ? '{}' : JSON.stringify(event), 'utf8');
      const inv = new Invocation(bytes, options, opts.timeoutMs);
      invocations.set(inv.requestId, inv);
      log.record('invoke', { requestId: inv.requestId });
      if (state.initError && !state.initDone) {
        settleWithInitError(inv);
        return inv.promise;
      }
      freezer.thaw('invoke');
      queue.push(inv);
      changed();
      return inv.promise;
    },

    recordInitError(error: InitError): void {
      state.initError = error;
      for (const inv of queue.splice(0)) settleWithInitError(inv);
      changed();
    },

    /** The invocation is answered: resolve the invoke and see what can happen next. */
    finish(inv: Invocation, outcome: InvokeResult['outcome'], fields: Partial<InvokeResult>): void {
      if (managed || state.current !== inv) clearTimeout(inv.timer);
      active.delete(inv);
      inv.settle(outcome, fields);
      log.record('invocation-done', {
        requestId: inv.requestId,
        outcome,
        ...(fields.errorType ? { errorType: fields.errorType } : {}),
        ...(fields.tooLarge ? { tooLarge: true } : {}),
      });
    },

    /**
     * The runtime is done with a timed-out invocation: it answered late (410) or gave up its
     * upload. On Managed Instances its slot is free again, and a rejected late answer is marked
     * on the already-resolved result.
     */
    lateAnswer(inv: Invocation, rejected = true): void {
      if (!inv.owed) return;
      inv.owed = false;
      active.delete(inv);
      if (rejected) inv.result.lateResponseRejected = true;
      inv.release();
      changed();
    },

    snapshot(): EmulatorSnapshot {
      return {
        initDone: state.initDone,
        frozen: freezer.frozen,
        shuttingDown: state.shuttingDown,
        queued: queue.map((i) => i.requestId),
        inFlight: [...active].map((i) => i.requestId),
        runtimeWaiting: runtimeWaiters.length,
        activeUploads: state.activeUploads,
        extensions: extensions.list.map((e) => ({
          name: e.name,
          id: e.id,
          events: [...e.events],
          waiting: extensions.isWaiting(e),
          queuedEvents: e.queue.length,
        })),
        blockedBy: blockedBy(),
      };
    },

    shutdown(reason: string, windowMs: number): void {
      freezer.thaw('shutdown');
      state.shuttingDown = true;
      const deadlineMs = Date.now() + windowMs;
      log.record('shutdown', { reason, deadlineMs });
      for (const ext of extensions.list) {
        if (ext.events.includes('SHUTDOWN')) extensions.push(ext, { eventType: 'SHUTDOWN', shutdownReason: reason, deadlineMs });
      }
    },

    close(): void {
      freezer.thaw('close');
      state.closed = true;
      for (const inv of invocations.values()) {
        clearTimeout(inv.timer);
        inv.abandon('the emulator was closed first');
      }
      active.clear();
    },
  };
}

export type Platform = ReturnType<typeof createPlatform>;
