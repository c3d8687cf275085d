// Streaming figures, all against apps/stream-app.mjs (plain node:http):
//   throughput  a large generated body (190 MiB at full size) read three ways, interleaved in each
//               round, each from a freshly started contender:
//                 direct       undici → the app, SHA-256 while reading;
//                 Ferry        response_stream, through the emulator (it counts and hashes the same
//                              bytes with discardBody: it keeps none); Ferry's RSS sampled every 10 ms;
//                 bare relay   apps/bare-relay.mjs in Ferry's place: plain undici to the app, the
//                              same upload, no logic: what relaying costs without Ferry's wide reads.
//               Each contender serves the body `streamsPerStart` times (4 at full size): the first
//               stream after start-up pays the JIT compilation of the new processes, the ones after
//               it are the steady state a long-lived sandbox serves. The driver (direct client and
//               emulator) is warm throughout, so the goal is judged on streams 2 and later; the
//               first is reported beside it.
//                 inline       Ferry inside the app's process (response_stream): the same app and
//                              bytes; its RSS growth (peak minus the RSS right after Init) counts
//                              the app and Ferry together, since they are one process.
//   SSE         one event every 250 ms; the delay between the app writing an event and the reader
//               receiving it (both clocks are performance.timeOrigin + performance.now() on this machine).
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startContender } from './contenders.mjs';
import { memoryKiB, sampleMemory } from './proc.mjs';
import { percentile, ratio, spread } from './stats.mjs';

const MiB = 1024 * 1024;
const CONTENDERS = { direct: 'direct', ferry: 'ferry-stream', relay: 'bare-relay', inline: 'ferry-inline-stream' };

/** One read of `bytes` from a started contender: `{ MiBps, sha256 }`, after checking the byte count. */
async function streamOnce(which, contender, bytes) {
  if (which === 'direct') {
    const hash = createHash('sha256');
    let seen = 0;
    const t0 = performance.now();
    const res = await contender.pool.request({ method: 'GET', path: `/big?bytes=${bytes}` });
    for await (const chunk of res.body) {
      seen += chunk.length;
      hash.update(chunk);
    }
    const ms = performance.now() - t0;
    if (seen !== bytes) throw new Error(`read ${seen} of ${bytes} bytes`);
    return { MiBps: bytes / MiB / (ms / 1000), sha256: hash.digest('hex') };
  }
  const r = await contender.request({ path: '/big', query: `bytes=${bytes}` }, { discardBody: true });
  if (r.status !== 200) throw new Error(`status ${r.status}`);
  if (r.result.bodyBytes !== bytes) throw new Error(`the emulator received ${r.result.bodyBytes} of ${bytes} bytes`);
  return { MiBps: bytes / MiB / (r.ms / 1000), sha256: r.result.sha256 };
}

export async function measureStreaming(ctx, preset, log) {
  const bytes = Math.round(preset.streamMiB * MiB);
  // With a baseline build (baseline.mjs), main's Ferry streams in the same rounds, as `main`.
  const names = [...Object.keys(CONTENDERS), ...(ctx.baseline?.ferryBin ? ['main'] : [])];
  const startName = (which) => (which === 'main' ? 'main:ferry-stream' : CONTENDERS[which]);
  const streams = Math.max(2, preset.streamsPerStart ?? 2);
  const first = Object.fromEntries(names.map((n) => [n, []]));
  const steady = Object.fromEntries(names.map((n) => [n, []]));
  const peaks = [];
  const hwms = [];
  const inlineGrowth = [];
  let expectedSha;
  const errors = {};
  for (let round = 0; round < preset.streamRounds; round++) {
    // Rotate the order, so no contender always runs right after another one's teardown.
    for (const which of names.map((_, i) => names[(i + round) % names.length])) {
      if (errors[which]) continue;
      let contender;
      let sampler;
      try {
        contender = await startContender(startName(which), ctx, { app: 'stream' });
        const inlineBaselineKiB = which === 'inline' ? memoryKiB(contender.pids().ferry)?.rss : undefined;
        if (which === 'ferry' || which === 'inline') sampler = sampleMemory(contender.pids().ferry);
        for (let n = 1; n <= streams; n++) {
          const { MiBps, sha256 } = await streamOnce(which, contender, bytes);
          if (expectedSha && sha256 !== expectedSha) throw new Error(`${which}: SHA-256 differs from the other reads`);
          expectedSha = sha256;
          if (n === 1) first[which].push(MiBps);
          else steady[which].push(MiBps);
        }
        if (sampler) {
          const memory = sampler.stop();
          sampler = undefined;
          if (which === 'inline') inlineGrowth.push((memory.peakRssKiB - inlineBaselineKiB) / 1024);
          else {
            peaks.push(memory.peakRssKiB / 1024);
            hwms.push(memory.hwmKiB / 1024);
          }
        }
        log(
          `  stream ${which.padEnd(6)} round ${round + 1}/${preset.streamRounds}: first ${first[which].at(-1).toFixed(0)} MiB/s, then ${steady[which]
            .slice(1 - streams)
            .map((v) => v.toFixed(0))
            .join(', ')} MiB/s`,
        );
      } catch (error) {
        errors[which] = error.message;
        log(`  stream ${which}: ERROR ${error.message}`);
      } finally {
        sampler?.stop();
        await contender?.close().catch(() => undefined);
      }
    }
  }
  const result = {
    bodyMiB: preset.streamMiB,
    rounds: preset.streamRounds,
    streamsPerStart: streams,
    ...(Object.keys(errors).length ? { errors } : {}),
    directMiBps: spread(steady.direct, `MiB/s (streams 2–${streams} after start)`, 1),
    ferryMiBps: spread(steady.ferry, `MiB/s (streams 2–${streams} after start)`, 1),
    bareRelayMiBps: spread(steady.relay, `MiB/s (streams 2–${streams} after start)`, 1),
    directFirstMiBps: spread(first.direct, 'MiB/s (first stream after start)', 1),
    ferryFirstMiBps: spread(first.ferry, 'MiB/s (first stream after start)', 1),
    bareRelayFirstMiBps: spread(first.relay, 'MiB/s (first stream after start)', 1),
    inlineMiBps: spread(steady.inline, `MiB/s (streams 2–${streams} after start)`, 1),
    inlineFirstMiBps: spread(first.inline, 'MiB/s (first stream after start)', 1),
    inlineRssGrowthMiB: spread(inlineGrowth, 'MiB (peak VmRSS every 10 ms minus VmRSS after Init; app and Ferry together)', 1),
    ...(names.includes('main')
      ? {
          mainMiBps: spread(steady.main, `MiB/s (streams 2–${streams} after start)`, 1),
          mainFirstMiBps: spread(first.main, 'MiB/s (first stream after start)', 1),
        }
      : {}),
    ferryPeakRssMiB: spread(peaks, 'MiB (sampled VmRSS, every 10 ms, over all its streams)', 1),
    ferryVmHwmMiB: spread(hwms, 'MiB (VmHWM at the end)', 1),
    sha256: expectedSha,
  };
  result.ratio = ratio(result.ferryMiBps, result.directMiBps);
  result.firstRatio = ratio(result.ferryFirstMiBps, result.directFirstMiBps);
  result.bareRelayRatio = ratio(result.bareRelayMiBps, result.directMiBps);
  result.ferryVsBareRelay = ratio(result.ferryMiBps, result.bareRelayMiBps);
  result.inlineRatio = ratio(result.inlineMiBps, result.directMiBps);
  if (result.mainMiBps) result.ferryVsMain = ratio(result.ferryMiBps, result.mainMiBps);
  return result;
}

/** Parses server-sent events out of arbitrarily split chunks and records each one's delivery delay. */
function sseReader() {
  let text = '';
  const delays = [];
  return {
    delays,
    push(chunk, atMs) {
      const receivedAt = performance.timeOrigin + atMs;
      text += chunk.toString('utf8');
      let end;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data) delays.push(receivedAt - JSON.parse(data).t);
      }
    },
  };
}

export async function measureSse(ctx, preset, log) {
  const query = `count=${preset.sseEvents}&interval=${preset.sseIntervalMs}`;
  const rounds = { direct: [], ferry: [] };
  const errors = {};
  for (let round = 0; round < preset.sseRounds; round++) {
    for (const which of ['direct', 'ferry']) {
      if (errors[which]) continue;
      let contender;
      const reader = sseReader();
      try {
        if (which === 'direct') {
          contender = await startContender('direct', ctx, { app: 'stream' });
          const res = await contender.pool.request({ method: 'GET', path: `/sse?${query}` });
          for await (const chunk of res.body) reader.push(chunk, performance.now());
        } else {
          contender = await startContender('ferry-stream', ctx, { app: 'stream' });
          const r = await contender.request({ path: '/sse', query }, { discardBody: true, onBodyChunk: (chunk, at) => reader.push(chunk, at) });
          if (r.status !== 200) throw new Error(`status ${r.status}`);
        }
        if (reader.delays.length !== preset.sseEvents) throw new Error(`received ${reader.delays.length} of ${preset.sseEvents} events`);
        rounds[which].push({ p50: percentile(reader.delays, 50), max: Math.max(...reader.delays), all: reader.delays });
        log(
          `  sse ${which.padEnd(6)} round ${round + 1}/${preset.sseRounds}: delay p50 ${rounds[which].at(-1).p50.toFixed(2)} ms, max ${rounds[which].at(-1).max.toFixed(2)} ms`,
        );
      } catch (error) {
        errors[which] = error.message;
        log(`  sse ${which}: ERROR ${error.message}`);
      } finally {
        await contender?.close().catch(() => undefined);
      }
    }
  }
  return {
    events: preset.sseEvents,
    intervalMs: preset.sseIntervalMs,
    rounds: preset.sseRounds,
    ...(Object.keys(errors).length ? { errors } : {}),
    directDelayMs: spread(
      rounds.direct.map((r) => r.p50),
      'ms (per-round p50)',
      3,
    ),
    directDelayMaxMs: spread(
      rounds.direct.map((r) => r.max),
      'ms (per-round max)',
      3,
    ),
    ferryDelayMs: spread(
      rounds.ferry.map((r) => r.p50),
      'ms (per-round p50)',
      3,
    ),
    ferryDelayMaxMs: spread(
      rounds.ferry.map((r) => r.max),
      'ms (per-round max)',
      3,
    ),
  };
}
