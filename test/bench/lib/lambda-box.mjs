// A box sized like a Lambda function: a Linux cgroup with a memory limit of MB and a CPU quota of
// MB/1,769 of one core (Lambda gives one full vCPU at 1,769 MB, and CPU in proportion below that).
// The cgroup settings are those of the project's `lambda-box` tool (the shared tools folder beside
// the repository, tools/lambda-box), copied here so the bench runs from a clone alone.
//
// `openBox(mb)` returns { mb, vcpu, kind, enter, wrap(command) → command, cpuMs(), peakMiB(), close() };
// a wrapped command joins the box in a shell (`enter`) before it execs (so its first instruction is
// counted), and so does every process it starts. Where no writable cgroup exists (not root, or no memory/cpu
// controller), it returns a box whose wrap pins the command to one core with `taskset -c 0`, whose
// cpuMs() and peakMiB() are undefined, and whose `fallback` says why.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';

const PERIOD_US = 100_000;
const FULL_VCPU_MB = 1769;
let counter = 0;

/** What kind of cgroup this machine lets the bench create, or why none. */
export function cgroupSupport() {
  const writable = (dir) => {
    try {
      const probe = `${dir}/ferry-bench-probe-${process.pid}`;
      mkdirSync(probe);
      rmdirSync(probe);
      return true;
    } catch {
      return false;
    }
  };
  if (existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes') || existsSync('/sys/fs/cgroup/memory/cgroup.procs')) {
    if (writable('/sys/fs/cgroup/memory') && writable('/sys/fs/cgroup/cpu') && writable('/sys/fs/cgroup/cpuacct')) return { kind: 'v1' };
    return { kind: 'none', why: 'cgroup v1 memory/cpu/cpuacct controllers are not writable here (needs root)' };
  }
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    if (writable('/sys/fs/cgroup')) return { kind: 'v2' };
    return { kind: 'none', why: 'the cgroup v2 hierarchy is not writable here (needs root)' };
  }
  return { kind: 'none', why: 'no cgroup filesystem at /sys/fs/cgroup' };
}

export function openBox(mb, support = cgroupSupport()) {
  const quotaUs = Math.max(1000, Math.round((PERIOD_US * mb) / FULL_VCPU_MB));
  const vcpu = Number((quotaUs / PERIOD_US).toFixed(2));
  const name = `ferry-bench-${process.pid}-${++counter}`;
  if (support.kind === 'v1') {
    const dirs = { memory: `/sys/fs/cgroup/memory/${name}`, cpu: `/sys/fs/cgroup/cpu/${name}`, cpuacct: `/sys/fs/cgroup/cpuacct/${name}` };
    for (const dir of Object.values(dirs)) mkdirSync(dir);
    writeFileSync(`${dirs.memory}/memory.limit_in_bytes`, String(mb * 1024 * 1024));
    writeFileSync(`${dirs.cpu}/cpu.cfs_period_us`, String(PERIOD_US));
    writeFileSync(`${dirs.cpu}/cpu.cfs_quota_us`, String(quotaUs));
    const procs = Object.values(dirs).map((dir) => `${dir}/cgroup.procs`);
    return {
      mb,
      vcpu,
      kind: 'cgroup v1',
      ...entering(`for f in ${procs.join(' ')}; do echo $$ > "$f"; done;`),
      cpuMs: () => Number(readFileSync(`${dirs.cpuacct}/cpuacct.usage`, 'utf8')) / 1e6,
      peakMiB: () => Number(readFileSync(`${dirs.memory}/memory.max_usage_in_bytes`, 'utf8')) / 2 ** 20,
      close: () => removeWhenEmpty(Object.values(dirs)),
    };
  }
  if (support.kind === 'v2') {
    const dir = `/sys/fs/cgroup/${name}`;
    try {
      writeFileSync('/sys/fs/cgroup/cgroup.subtree_control', '+memory +cpu');
    } catch {
      // Already enabled, or managed by someone else: the writes below say whether it worked.
    }
    mkdirSync(dir);
    writeFileSync(`${dir}/memory.max`, String(mb * 1024 * 1024));
    writeFileSync(`${dir}/cpu.max`, `${quotaUs} ${PERIOD_US}`);
    return {
      mb,
      vcpu,
      kind: 'cgroup v2',
      ...entering(`echo $$ > ${dir}/cgroup.procs;`),
      cpuMs: () => Number(/usage_usec (\d+)/.exec(readFileSync(`${dir}/cpu.stat`, 'utf8'))?.[1]) / 1000,
      peakMiB: () => (existsSync(`${dir}/memory.peak`) ? Number(readFileSync(`${dir}/memory.peak`, 'utf8')) / 2 ** 20 : undefined),
      close: () => removeWhenEmpty([dir]),
    };
  }
  const taskset = hasTaskset();
  return {
    mb,
    vcpu: 1,
    kind: taskset ? 'taskset -c 0 (no cgroup)' : 'unconfined (no cgroup, no taskset)',
    fallback: `${support.why}: no memory limit or CPU quota; ${taskset ? 'processes pinned to one core with taskset -c 0' : 'taskset is missing too, so nothing is pinned'}, and Max Memory Used and box CPU are not measured`,
    ...entering(taskset ? 'taskset -cp 0 $$ > /dev/null;' : ''),
    cpuMs: () => undefined,
    peakMiB: () => undefined,
    close: () => undefined,
  };
}

/** `enter`: shell commands that put the shell into the box; `wrap`: a command that runs there. */
function entering(enter) {
  return { enter, wrap: ([command, ...args]) => ['/bin/sh', '-c', `${enter} exec "$0" "$@"`, command, ...args] };
}

function hasTaskset() {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A cgroup can be removed only once its processes are gone: retry briefly. */
async function removeWhenEmpty(dirs) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const left = dirs.filter((dir) => {
      try {
        rmdirSync(dir);
        return false;
      } catch (error) {
        return error.code !== 'ENOENT';
      }
    });
    if (left.length === 0) return;
    dirs = left;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
