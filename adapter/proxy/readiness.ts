/**
 * Waits until the app answers. Probes repeat every 10 ms at first, less often later (probePause);
 * each has its own timeout, so a probe that hangs (an app that accepts but never answers) cannot
 * stall start-up. One progress line every 2 s. Once ready, Ferry stops probing: the probe is a
 * real request the app sees.
 */
import net from 'node:net';
import type { Readable } from 'node:stream';
import { statusIn, type Config } from '../config.ts';
import { describeError } from '../errors.ts';
import { createPool, type Pool } from '../http1/pool.ts';
import { APP_RESPONSE_HEADER_LIMIT } from '../respond/limits.ts';
import type { Logger } from '../log.ts';
import { appListeners, diagnoseListeners } from './listening-sockets.ts';

/**
 * The pause before the next probe: 10 ms, or an eighth of the time waited so far, up to 100 ms.
 * A probe that finds nothing listening still costs Ferry ~1.5 ms of CPU (Node 22, 1,769 MB box:
 * 149 ms per second of probing every 10 ms, 38 ms every 50 ms), taken from the app while it
 * boots in the same box. Cold start of the Fastify example in the 1,024 MB box (0.58 vCPU),
 * extension mode, 8 interleaved runs: 989 ms probing every 10 ms, 909 ms every 50 ms, 886 ms
 * with this pause (in-process peer: 620 ms). Readiness is noticed at most an eighth of the wait late.
 * Again with Ferry's own client, whose failed probe costs ~0.3 ms (14 interleaved cold starts):
 * pausing 5 ms flat cut listen() → first /next from 56 to 9 ms, but the probes delayed the app's
 * listen(), and the first response came at 805 against 787 ms; pauses of sqrt(waited) or
 * waited / 16 ms gave 781-783 ms, inside the noise. Watching /proc/net/tcp for the app's listen
 * instead costs ~3.6 ms a read (the kernel walks its whole socket table), more than a probe.
 */
export function probePause(waitedMs: number): number {
  return Math.min(100, Math.max(10, waitedMs / 8));
}

const PROGRESS_EVERY_MS = 2_000;

export interface ReadinessResult {
  ready: boolean;
  waitedMs: number;
  probes: number;
  /** Why the last probe failed, for messages a person can act on. */
  lastFailure: string | undefined;
  /** Where the app listens instead, when that is found (see listening-sockets.ts). */
  diagnosis?: string | undefined;
}

type ProbeConfig = Pick<Config, 'host' | 'readinessPort' | 'readinessPath' | 'readinessProtocol' | 'healthyStatus' | 'probeTimeoutMs'>;

/** Probe until the app is healthy or `untilMs` (epoch ms) passes. */
export async function waitForApp(config: ProbeConfig, untilMs: number, log: Logger): Promise<ReadinessResult> {
  const started = Date.now();
  let probes = 0;
  let lastFailure: string | undefined;
  let nextProgress = started + PROGRESS_EVERY_MS;
  let diagnosis: string | undefined;
  // One keep-alive connection for the probes, as the app's clients will use.
  const client =
    config.readinessProtocol === 'http'
      ? createPool(config.host, config.readinessPort, { idleTimeoutMs: Number.POSITIVE_INFINITY, maxHeadBytes: APP_RESPONSE_HEADER_LIMIT })
      : undefined;
  // HTTP readiness probes with a bare connect until something accepts (see probeTcp).
  let accepting = false;
  try {
    while (true) {
      probes++;
      const timeout = Math.max(1, Math.floor(Math.min(config.probeTimeoutMs, untilMs - Date.now())));
      let failure: string | undefined;
      if (client === undefined) failure = await probeTcp(config, timeout);
      else if (accepting) failure = await probeHttp(client, config, timeout);
      else {
        const probeStarted = Date.now();
        failure = await probeTcp(config, timeout, 'answer');
        if (failure === undefined) {
          accepting = true;
          // The same probe goes on over HTTP in the time it has left.
          failure = await probeHttp(client, config, Math.max(1, timeout - (Date.now() - probeStarted)));
        }
      }
      if (failure === undefined) return { ready: true, waitedMs: Date.now() - started, probes, lastFailure: undefined };
      // A probe cut short by the end of the wait says less than the answers before it.
      const cutShort = timeout < config.probeTimeoutMs && failure.startsWith('no ');
      if (lastFailure === undefined || !cutShort) lastFailure = failure;
      const now = Date.now();
      if (now >= untilMs) return { ready: false, waitedMs: now - started, probes, lastFailure, diagnosis };
      if (now >= nextProgress) {
        log.info('waiting for the app', { target: target(config), waited_ms: now - started, last_probe: lastFailure });
        // Said once, with the first progress line: the fix is the same every time.
        const found =
          diagnosis === undefined ? diagnoseListeners(appListeners(process.env.AWS_LAMBDA_RUNTIME_API), config.host, config.readinessPort) : undefined;
        if (found) log.warn((diagnosis = found));
        nextProgress = now + PROGRESS_EVERY_MS;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(probePause(now - started), Math.max(0, untilMs - now))));
    }
  } finally {
    client?.close();
  }
}

export function target(config: ProbeConfig): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return config.readinessProtocol === 'http' ? `http://${host}:${config.readinessPort}${config.readinessPath}` : `tcp://${host}:${config.readinessPort}`;
}

/** Resolves undefined when healthy, else the reason. */
async function probeHttp(pool: Pool, config: ProbeConfig, timeoutMs: number): Promise<string | undefined> {
  try {
    // The time limit covers the head and the body (the exchange fails at it, and its connection ends).
    const res = await pool.request({ method: 'GET', path: config.readinessPath, headers: { 'user-agent': 'ferry-readiness-probe' } }, { timeoutMs });
    // The head decides. The body is not waited for (a page that streams must not hold Init): it is
    // read and dropped in the background, cut at 128 KiB as undici's dump() did, and the probe's
    // own timeout still ends it.
    dump(res.body);
    return statusIn(res.statusCode, config.healthyStatus) ? undefined : `HTTP ${res.statusCode} is not a healthy status`;
  } catch (error) {
    // The time limit's error says `no answer within <ms> ms`.
    return describeError(error);
  }
}

const DUMP_LIMIT = 128 * 1024;

/** Read and discard a probe's body; past DUMP_LIMIT the connection is cut instead. */
function dump(body: Readable): void {
  let seen = 0;
  body.on('error', () => undefined);
  body.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DUMP_LIMIT) body.destroy();
  });
}

/**
 * A bare connect. For the HTTP readiness protocol it stands in for the HTTP probe until something
 * accepts (an app still booting refuses): a refused connect in a 10 ms loop cost Ferry 80-88 ms of
 * CPU per second against 135-176 for a refused HTTP probe (Node 22, h-init's measurement), CPU the
 * app boots without. Its timeout then says `no answer`, as the HTTP probe's does.
 */
function probeTcp(config: ProbeConfig, timeoutMs: number, awaited: 'connection' | 'answer' = 'connection'): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: config.host, port: config.readinessPort });
    const done = (failure: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(failure);
    };
    const timer = setTimeout(() => done(`no ${awaited} within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done(undefined));
    socket.once('error', (error) => done(describeError(error)));
  });
}
