/** Waiting with a bound: the shutdown window and the reaping of killed processes. */
import { anyAlive } from './process-tree.ts';

/** Resolves when `promise` settles or after `ms`, whichever comes first; never rejects. */
export function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}

/** Resolves once none of `pids` is alive (polling /proc every 10 ms), or after `ms`. */
export async function untilGone(pids: number[], ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (anyAlive(pids) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
}
