import { signalTree, treeTargets, type TreeTargets } from '../sandbox/process-tree.ts';
import type { EventLog } from './event-log.ts';

export interface FreezerOptions {
  enabled: boolean;
  /** The condition must still hold after this many ms (lets a process finish its last write). */
  settleMs: number;
  /** The sandbox's processes; each is frozen with everything it started (its process tree). */
  pids: Set<number>;
  log: EventLog;
  /** The freeze condition, evaluated now. */
  canFreeze: () => boolean;
}

/**
 * The freeze simulation: SIGSTOP every sandbox process (and its descendants) when the platform would freeze the
 * sandbox, SIGCONT before the next event. A freeze only ever follows a state change that made
 * `canFreeze()` true, and `canFreeze()` is checked again after the settle delay: the delay
 * never freezes on its own.
 */
export function createFreezer(options: FreezerOptions) {
  const { log, pids } = options;
  let frozen = false;
  let pending: NodeJS.Timeout | undefined;

  /** What the last freeze stopped: the thaw continues exactly that. */
  let stopped: TreeTargets = { groups: [], pids: [], members: [] };

  function signal(name: 'SIGSTOP' | 'SIGCONT'): number[] {
    // A stopped process cannot fork, so the tree found at the freeze is the one to thaw.
    if (name === 'SIGSTOP') stopped = treeTargets(pids);
    return signalTree(stopped, name, (target, code) => log.record('signal-error', { target, signal: name, code }));
  }

  return {
    get frozen() {
      return frozen;
    },

    /** Call after every state change. */
    evaluate(): void {
      if (!options.enabled || frozen || pending || !options.canFreeze()) return;
      pending = setTimeout(() => {
        pending = undefined;
        if (frozen || !options.canFreeze()) return;
        frozen = true;
        log.record('freeze', { pids: signal('SIGSTOP') });
      }, options.settleMs);
      pending.unref();
    },

    /** Resume the sandbox before delivering anything (invoke, shutdown, close). */
    thaw(reason: string): void {
      if (pending) {
        clearTimeout(pending);
        pending = undefined;
      }
      if (!frozen) return;
      frozen = false;
      log.record('thaw', { pids: signal('SIGCONT'), reason });
    },
  };
}

export type Freezer = ReturnType<typeof createFreezer>;
