/**
 * The fuzz suite: hostile mutations of the real sample events, through the real built adapter
 * to real apps (node:http echo buffered, Express streamed, Fastify buffered). For every event:
 * a correct result or a clear error, never a crash or a hang; after every batch Ferry's open
 * file descriptors are back at their baseline and a canary invocation is answered correctly.
 *
 * FERRY_FUZZ_RUNS=20000 for a longer run (default 2000 events); FERRY_FUZZ_SEED=<n> replays the
 * seed printed at the start of a run.
 */
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeResult } from '../../adapter/local/emulator/index.ts';
import { functionUrlEvent } from '../helpers/events.ts';
import { ECHO_APP, ROOT, startFerry, type FerryUnderTest } from '../helpers/ferry.ts';
import { openFds, until } from '../faults/support.ts';
import { hostileEvent } from './mutations.ts';

const RUNS = Number(process.env.FERRY_FUZZ_RUNS ?? 2000);
const SEED = process.env.FERRY_FUZZ_SEED !== undefined ? Number(process.env.FERRY_FUZZ_SEED) : Date.now() ^ (Math.random() * 2 ** 31);
const BATCH = 100;

interface Target {
  name: string;
  ferry: FerryUnderTest;
  streaming: boolean;
  /** Ferry's open fds when idle, after a warm-up. */
  baseline: number;
}

const targets: Target[] = [];
const SETUPS = [
  { name: 'node:http echo, buffered', app: ECHO_APP, streaming: false },
  { name: 'Express, streamed', app: ['node', path.join(ROOT, 'apps/express/server.js')], streaming: true },
  { name: 'Fastify, buffered', app: ['node', path.join(ROOT, 'apps/fastify/server.js')], streaming: false },
];

beforeAll(async () => {
  console.log(`fuzz: ${RUNS} events, seed ${SEED} (replay: FERRY_FUZZ_SEED=${SEED} FERRY_FUZZ_RUNS=${RUNS})`);
  for (const setup of SETUPS) {
    const ferry = await startFerry({ app: setup.app, env: setup.streaming ? { AWS_LWA_INVOKE_MODE: 'response_stream' } : {} });
    const target: Target = { name: setup.name, ferry, streaming: setup.streaming, baseline: 0 };
    targets.push(target);
    await canary(target);
    target.baseline = openFds(ferry.ferryPid);
  }
}, 60_000);
afterAll(() => Promise.all(targets.map((t) => t.ferry.close())));

/** The status and body the client gets, buffered or streamed. */
function clientView(result: InvokeResult, streaming: boolean): { status: number; headers: Record<string, unknown>; body: Buffer } {
  if (streaming && result.streamed) return { status: result.prelude!.statusCode!, headers: result.prelude!.headers ?? {}, body: result.payload };
  const lambda = result.json();
  const body = typeof lambda.body === 'string' ? Buffer.from(lambda.body, lambda.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  return { status: lambda.statusCode, headers: lambda.headers ?? lambda.multiValueHeaders ?? {}, body };
}

/** A correct result or a clear error, for one event. */
function checkResult(target: Target, result: InvokeResult): void {
  expect(result.outcome, 'no hang: answered before the Lambda timeout').not.toBe('timeout');
  if (result.outcome === 'error' && result.streamed) {
    // A stream that failed after its prelude: Ferry's error trailer names the cause.
    expect(result.streamError?.errorType).toMatch(/^Ferry\./);
    return;
  }
  if (result.outcome === 'error') {
    // A clear invocation error: Ferry's type and a message.
    expect(result.errorType).toMatch(/^Ferry\.[A-Za-z]+$/);
    expect(typeof result.json().errorMessage).toBe('string');
    expect(result.json().errorMessage.length).toBeGreaterThan(10);
    return;
  }
  if (result.streamed) {
    expect(result.preludeError).toBeUndefined();
    if (result.streamError) expect(result.streamError.errorType).toMatch(/^Ferry\./);
  }
  const lambda = result.streamed ? undefined : result.json();
  if (lambda !== undefined && (lambda === null || typeof lambda.statusCode !== 'number')) {
    // A pass-through event (detection found no HTTP source): the app's JSON answer is the result.
    return;
  }
  const { status, headers, body } = clientView(result, target.streaming);
  expect(status).toBeGreaterThanOrEqual(200);
  expect(status).toBeLessThanOrEqual(599);
  if (headers['x-ferry-error'] !== undefined) {
    // Ferry's own answer: names its cause.
    expect(JSON.parse(body.toString()).errorType).toMatch(/^Ferry\./);
    return;
  }
  if (target.name.startsWith('node:http') && status === 200 && headers['x-echo'] === 'yes') {
    // The echo app saw a valid origin-form request, with this invocation's context.
    const seen = JSON.parse(body.toString());
    expect(seen.url).toMatch(/^\/[\x21-\x7e]*$/);
    expect(seen.method).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
    expect(JSON.parse(seen.headers['x-amzn-lambda-context']).request_id).toBe(result.requestId);
  }
}

/** A plain request answered as it should be: the sandbox is healthy. */
async function canary(target: Target): Promise<void> {
  const result = await target.ferry.invoke(functionUrlEvent({ path: '/canary', query: 'n=1' }), { timeoutMs: 10_000 });
  expect(result.outcome).toBe('response');
  const { status } = clientView(result, target.streaming);
  // The echo app answers 200 with what it got; the example apps have no /canary route (404).
  expect(status).toBe(target.name.startsWith('node:http') ? 200 : 404);
  if (target.name.startsWith('node:http')) expect(JSON.parse(clientView(result, false).body.toString()).url).toBe('/canary?n=1');
}

describe('hostile events through the real adapter', () => {
  it(`${RUNS} mutated sample events: a correct result or a clear error each, no crash, no hang, no fd left open`, async () => {
    let batchNumber = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostileEvent, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const target = targets[batchNumber++ % targets.length]!;
        for (const item of batch) {
          const result = await target.ferry.invoke(item.event, { timeoutMs: 10_000 });
          try {
            checkResult(target, result);
          } catch (error) {
            throw new Error(
              `${target.name}, sample ${item.sample}: ${(error as Error).message}\nevent: ${JSON.stringify(item.event).slice(0, 2000)}\nresult: ${result.payload.toString().slice(0, 500)}`,
            );
          }
        }
        expect(
          target.ferry.sandbox.processes.every((p) => p.exitCode === null && p.signalCode === null),
          `${target.name}: every process still running`,
        ).toBe(true);
        await canary(target);
        // Connections Ferry retired close once idle: wait for that, bounded.
        await until(() => openFds(target.ferry.ferryPid) <= target.baseline, `${target.name}: Ferry's open fds back to ${target.baseline}`, 10_000);
      }),
      { seed: SEED, numRuns: Math.max(1, Math.ceil(RUNS / BATCH)), endOnFailure: true },
    );
  }, 600_000);
});
