/**
 * A sandbox process and everything it started: `sh -c 'node server.js'`, `npm start` and
 * `npx next start` run the real server as a grandchild, which signalling the direct child misses.
 * Lambda freezes and kills the whole sandbox (a cgroup); locally the closest match is every
 * process group found under the sandbox's processes.
 *
 * Linux: the tree comes from /proc/<pid>/stat (ppid, pgrp). Elsewhere only the roots' own
 * groups are known (each sandbox process leads one: it is spawned detached).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
}

/** Every process on the machine with its parent and group; empty without /proc. */
function listProcesses(): ProcStat[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const all: ProcStat[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // `pid (comm) state ppid pgrp …`: comm may hold spaces and parentheses, so read after the last ')'.
      const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      all.push({ pid: Number(name), ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {
      // Gone while listing.
    }
  }
  return all;
}

/** The pids of `roots` and all their descendants (Linux), or just `roots` without /proc. */
export function descendantsOf(roots: Iterable<number>, all: ProcStat[] = listProcesses()): number[] {
  const found = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found];
}

/** This process's own group: never signalled (it holds the caller, a test runner or a terminal). */
function ownGroup(all: ProcStat[]): number | undefined {
  return all.find((p) => p.pid === process.pid)?.pgrp;
}

/** What to signal to reach a process tree: whole groups, and single pids that share the caller's group. */
export interface TreeTargets {
  groups: number[];
  pids: number[];
  /** Every process found in the tree, to wait for until none is left. */
  members: number[];
}

/**
 * How to reach `roots` and all their descendants: their process groups (a grandchild that made
 * its own group, such as Ferry's app in runtime mode, is included), and one by one the processes
 * that share this process's group (a sandbox not spawned detached). Without /proc: the roots,
 * as groups and as pids.
 */
export function treeTargets(roots: Iterable<number>): TreeTargets {
  const rootList = [...roots];
  const all = listProcesses();
  if (all.length === 0) return { groups: rootList, pids: rootList, members: rootList };
  const mine = ownGroup(all);
  const tree = new Set(descendantsOf(rootList, all));
  const groups = new Set<number>();
  const pids: number[] = [];
  const members: number[] = [];
  for (const p of all) {
    // A root that exited left its group behind: its children (reparented, so no longer found
    // through ppid) are still in it.
    if (!tree.has(p.pid) && !(rootList.includes(p.pgrp) && p.pgrp !== mine)) continue;
    members.push(p.pid);
    if (p.pgrp === mine) pids.push(p.pid);
    else groups.add(p.pgrp);
  }
  return { groups: [...groups], pids, members };
}

/**
 * Send `signal` to every target; returns what received it (negative numbers are groups). ESRCH
 * (already gone) is expected and skipped; other errors go to `onError`.
 */
export function signalTree(targets: TreeTargets, signal: NodeJS.Signals, onError?: (target: number, code: string | undefined) => void): number[] {
  const signalled: number[] = [];
  const send = (target: number) => {
    try {
      process.kill(target, signal);
      signalled.push(target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ESRCH') onError?.(target, code);
    }
  };
  for (const pgid of targets.groups) if (pgid > 1) send(-pgid);
  for (const pid of targets.pids) if (pid !== process.pid) send(pid);
  return signalled;
}

/** Whether any of `pids` is still a live process (a zombie awaiting its reaper counts as gone). */
export function anyAlive(pids: Iterable<number>): boolean {
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat[stat.lastIndexOf(')') + 2] !== 'Z') return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      // No /proc (not Linux): ask the kernel.
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        // Gone.
      }
    }
  }
  return false;
}
