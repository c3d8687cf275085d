/** Shared by the fault and fuzz suites: Ferry's open file descriptors and a real fd limit. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/ferry.ts';

/** How many file descriptors the process holds open right now (Linux /proc). */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Sets a running process's soft open-file limit (what `ulimit -Sn` sets; EMFILE follows it). */
export function limitOpenFiles(pid: number, limit: number): void {
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${limit}:`]);
}

/** A sample event from test/fixtures/events (`powertools/alb-base.json`), parsed afresh. */
export function sampleEvent(file: string): Record<string, any> {
  return JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/events', file), 'utf8'));
}

/** The HTTP samples the fault and fuzz suites send, one or two per source. */
export const HTTP_SAMPLES = [
  'aws-lambda-go/function-url-request-with-headers-and-cookies-and-text-body.json',
  'aws-lambda-go/function-url-domain-only-request-with-base64-encoded-body.json',
  'aws-lambda-go/apigw-request.json',
  'powertools/apigw-http-no-auth.json',
  'powertools/apigw-rest-no-auth.json',
  'powertools/alb-base.json',
  'powertools/alb-multi-fields.json',
  'powertools/lambda-get-request.json',
  'powertools/vpc-lattice-base.json',
  'powertools/vpc-lattice-v2-base.json',
] as const;

/** Whether the process has a TCP connection to `port` on loopback (from /proc/<pid>/net/tcp{,6}). */
export function hasConnectionTo(pid: number, port: number): boolean {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (link.startsWith('socket:[')) inodes.add(link.slice(8, -1));
    } catch {
      // closed while listing
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[2]!.endsWith(`:${hexPort}`) && inodes.has(cols[9]!)) return true;
    }
  }
  return false;
}

/** The lowest file descriptor number the process could open next. */
export function lowestFreeFd(pid: number): number {
  const used = new Set(readdirSync(`/proc/${pid}/fd`).map(Number));
  let fd = 0;
  while (used.has(fd)) fd++;
  return fd;
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
