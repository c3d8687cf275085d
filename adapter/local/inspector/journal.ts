/**
 * The inspector's record of each invocation, built as it happens: the client request and the
 * event the front door built (from the front door), the platform's milestones (from the
 * emulator's events: delivered, prelude, done, the runtime back on /next, the freeze), the
 * streamed bytes so far, and the log lines written while it ran.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Emulator } from '../emulator/index.ts';

export type InvocationState = 'queued' | 'running' | 'streaming' | 'done' | 'error';

export interface InvocationRecord {
  requestId: string;
  method: string;
  url: string;
  /** The event as the front door built it (parsed JSON). */
  event: unknown;
  state: InvocationState;
  status?: number;
  /** The result as the client got it: headers, and the first bytes of the body. */
  response?: { headers: Record<string, string | string[]>; bodyPreview: string; bytes: number };
  note?: string;
  error?: string;
  /** `performance.now()` milestones. */
  at: { invoked: number; delivered?: number; prelude?: number; firstByte?: number; lastByte?: number; done?: number; next?: number; freeze?: number };
  logs: Array<{ source: string; line: string }>;
}

/** What a client request looks like to the inspector. */
export interface ExchangeStart {
  requestId: string;
  method: string;
  url: string;
  event: unknown;
}

const KEEP = 200;
export const BODY_PREVIEW_BYTES = 4096;

export function createJournal(emulator: Emulator) {
  const records = new Map<string, InvocationRecord>();
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  /** The invocation whose lines these are: delivered, and not yet followed by the freeze. */
  let current: InvocationRecord | undefined;

  const changed = (record: InvocationRecord) => changes.emit('change', record);
  const find = (payload: { requestId?: string }) => (payload.requestId === undefined ? undefined : records.get(payload.requestId));
  const on = (name: string, update: (record: InvocationRecord, payload: any) => void) =>
    emulator.events.on(name, (payload: { requestId?: string }) => {
      const record = find(payload);
      if (!record) return;
      update(record, payload);
      changed(record);
    });

  on('invocation-delivered', (r) => {
    r.at.delivered = performance.now();
    r.state = 'running';
    current = r;
  });
  on('stream-prelude', (r) => {
    r.at.prelude = performance.now();
    r.state = 'streaming';
  });
  on('invocation-done', (r, p: { outcome: string; errorType?: string }) => {
    r.at.done = performance.now();
    if (p.outcome !== 'response') {
      r.state = 'error';
      r.error = p.errorType ?? p.outcome;
    }
  });
  // The runtime back on /next after an answer: post-response work is over. The freeze follows.
  emulator.events.on('runtime-next', () => {
    if (current?.at.done !== undefined && current.at.next === undefined) {
      current.at.next = performance.now();
      changed(current);
    }
  });
  emulator.events.on('freeze', () => {
    if (current && current.at.freeze === undefined) {
      current.at.freeze = performance.now();
      changed(current);
      current = undefined;
    }
  });

  return {
    changes,
    list: (): InvocationRecord[] => [...records.values()],
    begin(start: ExchangeStart): void {
      const record: InvocationRecord = { ...start, state: 'queued', at: { invoked: performance.now() }, logs: [] };
      records.set(start.requestId, record);
      for (const id of records.keys()) {
        if (records.size <= KEEP) break;
        records.delete(id);
      }
      changed(record);
    },
    prelude(requestId: string, status: number, headers: Record<string, string | string[]>): void {
      const r = records.get(requestId);
      if (!r) return;
      r.status = status;
      r.response = { headers, bodyPreview: '', bytes: 0 };
      changed(r);
    },
    /** A body chunk reached the client (streamed). */
    chunk(requestId: string, chunk: Buffer): void {
      const r = records.get(requestId);
      if (!r?.response) return;
      r.at.firstByte ??= performance.now();
      r.at.lastByte = performance.now();
      if (r.response.bytes < BODY_PREVIEW_BYTES) r.response.bodyPreview += chunk.subarray(0, BODY_PREVIEW_BYTES - r.response.bytes).toString('utf8');
      r.response.bytes += chunk.length;
      changed(r);
    },
    /** The client's answer is complete (or the front end answered on its own). */
    end(requestId: string, status: number | string, note: string | undefined, buffered?: { headers: Record<string, string | string[]>; body: Buffer }): void {
      const r = records.get(requestId);
      if (!r) return;
      if (typeof status === 'number') r.status = status;
      if (buffered) {
        r.response = { headers: buffered.headers, bodyPreview: buffered.body.subarray(0, BODY_PREVIEW_BYTES).toString('utf8'), bytes: buffered.body.length };
        r.at.firstByte ??= r.at.done;
        r.at.lastByte ??= r.at.done;
      }
      if (note) r.note = note;
      if (r.state !== 'error') r.state = 'done';
      changed(r);
    },
    /** A log line of the sandbox or the front door, filed under the invocation it belongs to. */
    log(source: string, line: string): void {
      if (!current) return;
      current.logs.push({ source, line });
      changed(current);
    },
  };
}

export type Journal = ReturnType<typeof createJournal>;
