/**
 * What the app listens on, when readiness keeps failing: the kernel's socket tables
 * (/proc/net/tcp, /proc/net/tcp6) joined with the socket inodes of the sandbox's processes
 * (/proc/<pid>/fd). A sandbox process is one whose environment carries this Ferry's
 * AWS_LAMBDA_RUNTIME_API: on Lambda that is every process but Ferry; locally (`ferry local`, a
 * shared machine) it keeps other programs' listeners out of the diagnosis. Linux only; elsewhere
 * nothing is found and no diagnosis is made.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface Listener {
  /** `127.0.0.1`, `0.0.0.0`, `::1`, `::`. */
  address: string;
  port: number;
  inode: number;
}

const LISTEN = '0A';

/** LISTEN sockets of one /proc/net/tcp or tcp6 table. */
export function parseSocketTable(text: string): Listener[] {
  const listeners: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== LISTEN) continue;
    const [hexAddress, hexPort] = fields[1]!.split(':');
    listeners.push({ address: decodeAddress(hexAddress!), port: parseInt(hexPort!, 16), inode: Number(fields[9]) });
  }
  return listeners;
}

/** The kernel writes each 32-bit word of the address in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(hex.slice(word + b, word + b + 2), 16));
  }
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // The URL parser writes an IPv6 address in its shortest form (`::1`, `::`).
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** The socket inodes held by the processes sharing this Runtime API endpoint (not Ferry itself). */
function sandboxSocketInodes(runtimeApi: string): Set<number> {
  const inodes = new Set<number>();
  const marker = `\0AWS_LAMBDA_RUNTIME_API=${runtimeApi}\0`;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  } catch {
    return inodes;
  }
  for (const pid of pids) {
    if (!`\0${readOr(`/proc/${pid}/environ`, '')}`.includes(marker)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(Number(match[1]));
      } catch {
        // Closed while reading.
      }
    }
  }
  return inodes;
}

/** The app's listening sockets: LISTEN entries held by a sandbox process. */
export function appListeners(runtimeApi: string | undefined): Listener[] {
  if (!runtimeApi) return [];
  const all = [...parseSocketTable(readOr('/proc/net/tcp', '')), ...parseSocketTable(readOr('/proc/net/tcp6', ''))];
  if (all.length === 0) return [];
  const mine = sandboxSocketInodes(runtimeApi);
  return all.filter((l) => mine.has(l.inode));
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

/** Whether a connection to `host` reaches a socket listening on `address` (same port). */
function reaches(address: string, host: string): boolean {
  if (address === host || address === '::') return true;
  if (address === '0.0.0.0') return !host.includes(':');
  return false;
}

const bracket = (address: string) => (address.includes(':') ? `[${address}]` : address);

/**
 * What to tell a person whose app is not reached at host:port, given its listeners; undefined
 * when nothing points elsewhere (nothing listens yet, or it listens where Ferry probes).
 *
 * @example
 * diagnoseListeners([{ address: '127.0.0.1', port: 3000, inode: 1 }], '127.0.0.1', 8080)
 * // 'the app listens on 127.0.0.1:3000, not 8080: set AWS_LWA_PORT=3000'
 */
export function diagnoseListeners(listeners: Listener[], host: string, port: number): string | undefined {
  const onPort = listeners.filter((l) => l.port === port);
  if (onPort.some((l) => reaches(l.address, host))) return undefined;
  if (onPort.length > 0) {
    const address = onPort.find((l) => !WILDCARDS.has(l.address))?.address ?? onPort[0]!.address;
    return `the app listens on port ${port} only on ${bracket(address)}, not ${bracket(host)}: set AWS_LWA_HOST=${address}`;
  }
  const elsewhere = [...new Map(listeners.map((l) => [`${bracket(l.address)}:${l.port}`, l])).values()];
  if (elsewhere.length === 0) return undefined;
  const first = elsewhere[0]!;
  const where = elsewhere.map((l) => `${bracket(l.address)}:${l.port}`).join(', ');
  return `the app listens on ${where}, not ${port}: set AWS_LWA_PORT=${first.port}`;
}
