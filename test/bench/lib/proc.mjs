// Process facts read from /proc (Linux): memory, the executable a process runs, its children.
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';

let ticksPerSecond;
/** CPU time (user + system) a process has used so far, in ms; undefined when it is gone. */
export function cpuTimeMs(pid) {
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000;
  } catch {
    return undefined;
  }
}

/** VmRSS and VmHWM (peak) of a process, in KiB; undefined when it is gone. */
export function memoryKiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return undefined;
  }
}

/** The resolved path of the executable a process runs (e.g. which `node`). */
export function executableOf(pid) {
  try {
    return realpathSync(readlinkSync(`/proc/${pid}/exe`));
  } catch {
    return undefined;
  }
}

/**
 * A path as results.json records it: relative to the repository when inside it, else only the file
 * name, so the committed results never name a folder of the machine that ran them.
 */
export function recordedPath(root, file) {
  if (!file) return file;
  const relative = path.relative(root, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(file) : relative;
}

/** Direct children of a process. */
export function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Samples VmRSS every `everyMs` until stopped; resolves the peak seen (KiB) and VmHWM at the end. */
export function sampleMemory(pid, everyMs = 10) {
  let peak = 0;
  const tick = () => {
    const m = memoryKiB(pid);
    if (m && m.rss > peak) peak = m.rss;
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return { peakRssKiB: peak, hwmKiB: memoryKiB(pid)?.hwm };
    },
  };
}
