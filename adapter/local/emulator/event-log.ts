import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { EmulatorEvent } from './types.ts';

export interface EventLog {
  readonly events: EventEmitter;
  readonly history: EmulatorEvent[];
  record(name: string, payload?: unknown): void;
  waitFor<T>(name: string, predicate?: (payload: T) => boolean, timeoutMs?: number, since?: number): Promise<T>;
}

const DEFAULT_WAIT_MS = 3000;

/**
 * One timeline for everything the emulator observes: an EventEmitter for live listeners plus a
 * `history` array, so a test can wait for something that already happened (a delivery can be
 * recorded synchronously inside `invoke()`, before the test gets to call `waitFor`).
 */
export function createEventLog(): EventLog {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const history: EmulatorEvent[] = [];

  function record(name: string, payload: unknown = {}): void {
    // 'error' would make EventEmitter throw when nobody listens.
    if (name === 'error') throw new TypeError("'error' is reserved by EventEmitter; pick another event name");
    const entry: EmulatorEvent = { name, payload, at: performance.now() };
    history.push(entry);
    try {
      events.emit(name, payload);
    } catch (error) {
      // A throwing listener must not leave the emulator half way through a state change;
      // surface it as an uncaught exception instead, which the test runner reports.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  function waitFor<T>(name: string, predicate?: (payload: T) => boolean, timeoutMs = DEFAULT_WAIT_MS, since = 0): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const matches = (payload: T) => !predicate || predicate(payload);
      try {
        for (let i = Math.max(0, since); i < history.length; i++) {
          const entry = history[i];
          if (entry.name === name && matches(entry.payload)) return resolve(entry.payload);
        }
      } catch (error) {
        return reject(error);
      }
      const listener = (payload: T) => {
        let ok: boolean;
        try {
          ok = matches(payload);
        } catch (error) {
          cleanup();
          return reject(error);
        }
        if (ok) {
          cleanup();
          resolve(payload);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        const recent = history
          .slice(-12)
          .map((e) => `${e.name} ${JSON.stringify(e.payload)}`)
          .join('\n  ');
        reject(new Error(`waitFor('${name}'${predicate ? ', predicate' : ''}) timed out after ${timeoutMs} ms.` + ` Last events:\n  ${recent || '(none)'}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        events.off(name, listener);
      };
      events.on(name, listener);
    });
  }

  return { events, history, record, waitFor };
}
