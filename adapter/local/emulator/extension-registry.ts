import type { ServerResponse } from 'node:http';
import type { EventLog } from './event-log.ts';
import { randomUUID } from './ids.ts';
import type { ExtensionInfo } from './types.ts';

/** The platform's limit on registered extensions. */
export const MAX_EXTENSIONS = 10;

export type ExtensionEvent = { eventType: 'INVOKE' | 'SHUTDOWN'; deadlineMs: number; [k: string]: unknown };

export interface ExtensionRecord extends ExtensionInfo {
  /** The pending `/extension/event/next` call, if any. */
  waiter: ServerResponse | null;
  /** Events not yet handed out (the extension was busy when they happened). */
  queue: ExtensionEvent[];
  /**
   * A timeout reset stopped waiting for this extension's `next` (on the real platform it would
   * have been killed). Cleared when it calls `next` again.
   */
  released: boolean;
}

/** Registered extensions and their event queues. `onChange` runs after any waiting state changes. */
export function createExtensionRegistry(log: EventLog, onChange: () => void) {
  const list: ExtensionRecord[] = [];

  function flush(ext: ExtensionRecord): void {
    const res = ext.waiter;
    if (!res || ext.queue.length === 0) return;
    ext.waiter = null;
    // A call whose connection already went away keeps the event for the next call.
    if (res.destroyed) return;
    const event = ext.queue.shift()!;
    const bytes = Buffer.from(JSON.stringify(event));
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': String(bytes.length),
      'Lambda-Extension-Event-Identifier': randomUUID(),
    });
    res.end(bytes);
    if (event.eventType === 'SHUTDOWN') {
      log.record('shutdown-delivered', { name: ext.name, id: ext.id, reason: event.shutdownReason, deadlineMs: event.deadlineMs });
    } else {
      log.record('extension-invoke-delivered', { name: ext.name, id: ext.id, requestId: event.requestId });
    }
  }

  return {
    list: list as ReadonlyArray<ExtensionRecord>,

    register(name: string, events: string[]): ExtensionRecord {
      const ext: ExtensionRecord = { name, id: randomUUID(), events, waiter: null, queue: [], released: false };
      list.push(ext);
      return ext;
    },

    byId(id: string): ExtensionRecord | undefined {
      return list.find((e) => e.id === id);
    },

    byName(name: string): ExtensionRecord | undefined {
      return list.find((e) => e.name === name);
    },

    /** The extension called `next`: hand it a queued event now, or park the call. */
    wait(ext: ExtensionRecord, res: ServerResponse): void {
      ext.released = false;
      ext.waiter = res;
      res.on('close', () => {
        if (ext.waiter === res && !res.writableFinished) {
          ext.waiter = null;
          log.record('extension-disconnected', { name: ext.name, id: ext.id });
          onChange();
        }
      });
      flush(ext);
    },

    /** Queue an event for one extension and deliver it if the extension is waiting. */
    push(ext: ExtensionRecord, event: ExtensionEvent): void {
      ext.queue.push(event);
      flush(ext);
    },

    /** Parked on `next` with nothing queued: the extension is done with its previous event. */
    isWaiting(ext: ExtensionRecord): boolean {
      return ext.waiter !== null && ext.queue.length === 0;
    },

    /** Every extension waits on `next` (or was released by a timeout reset). Gates the next invocation. */
    allIdle(): boolean {
      return list.every((e) => e.released || (e.waiter !== null && e.queue.length === 0));
    },

    /** Every extension is parked on `next`, strictly: the freeze condition. */
    allWaiting(): boolean {
      return list.every((e) => e.waiter !== null && e.queue.length === 0);
    },

    /** Stop waiting for extensions still busy (a timeout reset). */
    releaseBusy(): string[] {
      const released: string[] = [];
      for (const e of list) {
        if (e.waiter === null || e.queue.length > 0) {
          e.released = true;
          released.push(e.name);
        }
      }
      return released;
    },
  };
}

export type ExtensionRegistry = ReturnType<typeof createExtensionRegistry>;
