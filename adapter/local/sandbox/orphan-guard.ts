/** Children still alive when this (test) process exits are SIGKILLed, with everything they started: never leave orphans. */
import type { ChildProcess } from 'node:child_process';
import { signalTree, treeTargets } from './process-tree.ts';

const liveChildren = new Set<ChildProcess>();
let installed = false;

export function guardAgainstOrphans(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  child.once('error', () => {
    if (child.pid === undefined) liveChildren.delete(child);
  });
  if (installed) return;
  installed = true;
  process.once('exit', () => {
    const pids = [...liveChildren].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
    signalTree(treeTargets(pids), 'SIGKILL');
  });
}
