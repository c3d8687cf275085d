/** Linux process-state helpers for the freeze tests. */
import { readFileSync } from 'node:fs';

/** The scheduler state letter of a process from /proc/<pid>/stat: 'T' is stopped (SIGSTOP). */
export function procState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat[stat.lastIndexOf(')') + 2];
}

/** Poll a condition on process state: signals are delivered asynchronously. */
export async function until(what: string, condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Whether the process exists and is not a zombie. */
export function isLive(pid: number): boolean {
  try {
    return procState(pid) !== 'Z';
  } catch {
    return false;
  }
}
