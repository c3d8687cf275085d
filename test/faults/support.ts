/** Shared by the fault and fuzz suites: Ferry's open file descriptors and a real fd limit. */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/** How many file descriptors the process holds open right now (Linux /proc). */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Lowers a running process's open-file limit (soft and hard), as `ulimit -n` would have. */
export function limitOpenFiles(pid: number, limit: number): void {
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${limit}:${limit}`]);
}
