// Streaming figures, both against apps/stream-app.mjs (plain node:http):
//   throughput  a large generated body (190 MiB at full size), read directly (undici, SHA-256 while
//               reading) vs through Ferry in response_stream mode (the emulator counts and hashes the
//               same bytes with discardBody: it keeps none). Ferry's RSS is sampled every 10 ms.
//   SSE         one event every 250 ms; the delay between the app writing an event and the reader
//               receiving it (both clocks are performance.timeOrigin + performance.now() on this machine).
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startContender } from './contenders.mjs';
import { sampleMemory } from './proc.mjs';
import { percentile, spread } from './stats.mjs';

const MiB = 1024 * 1024;

export async function measureStreaming(ctx, preset, log) {
  const bytes = Math.round(preset.streamMiB * MiB);
  const direct = [];
  const ferry = [];
  const peaks = [];
  const hwms = [];
  let expectedSha;
  const errors = {};
  for (let round = 0; round < preset.streamRounds; round++) {
    for (const which of round % 2 ? ['ferry', 'direct'] : ['direct', 'ferry']) {
      if (errors[which]) continue;
      let contender;
      try {
        if (which === 'direct') {
          contender = await startContender('direct', ctx, { app: 'stream' });
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
          const sha = hash.digest('hex');
          if (expectedSha && sha !== expectedSha) throw new Error('direct read: SHA-256 differs from the other rounds');
          expectedSha = sha;
          direct.push(bytes / MiB / (ms / 1000));
        } else {
          contender = await startContender('ferry-stream', ctx, { app: 'stream' });
          const sampler = sampleMemory(contender.pids().ferry);
          const r = await contender.request({ path: '/big', query: `bytes=${bytes}` }, { discardBody: true });
          const memory = sampler.stop();
          if (r.status !== 200) throw new Error(`status ${r.status}`);
          if (r.result.bodyBytes !== bytes) throw new Error(`the emulator received ${r.result.bodyBytes} of ${bytes} bytes`);
          if (expectedSha && r.result.sha256 !== expectedSha) throw new Error('Ferry delivered different bytes (SHA-256 differs from the direct read)');
          expectedSha ??= r.result.sha256;
          ferry.push(bytes / MiB / (r.ms / 1000));
          peaks.push(memory.peakRssKiB / 1024);
          hwms.push(memory.hwmKiB / 1024);
        }
        log(`  stream ${which.padEnd(6)} round ${round + 1}/${preset.streamRounds}: ${(which === 'direct' ? direct : ferry).at(-1).toFixed(0)} MiB/s`);
      } catch (error) {
        errors[which] = error.message;
        log(`  stream ${which}: ERROR ${error.message}`);
      } finally {
        await contender?.close().catch(() => undefined);
      }
    }
  }
  const result = {
    bodyMiB: preset.streamMiB,
    rounds: preset.streamRounds,
    ...(Object.keys(errors).length ? { errors } : {}),
    directMiBps: spread(direct, 'MiB/s', 1),
    ferryMiBps: spread(ferry, 'MiB/s', 1),
    ferryPeakRssMiB: spread(peaks, 'MiB (sampled VmRSS, every 10 ms)', 1),
    ferryVmHwmMiB: spread(hwms, 'MiB (VmHWM at the end)', 1),
    sha256: expectedSha,
  };
  result.ratio = Number((result.ferryMiBps.median / result.directMiBps.median).toFixed(3));
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
        log(`  sse ${which.padEnd(6)} round ${round + 1}/${preset.sseRounds}: delay p50 ${rounds[which].at(-1).p50.toFixed(2)} ms, max ${rounds[which].at(-1).max.toFixed(2)} ms`);
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
    directDelayMs: spread(rounds.direct.map((r) => r.p50), 'ms (per-round p50)', 3),
    directDelayMaxMs: spread(rounds.direct.map((r) => r.max), 'ms (per-round max)', 3),
    ferryDelayMs: spread(rounds.ferry.map((r) => r.p50), 'ms (per-round p50)', 3),
    ferryDelayMaxMs: spread(rounds.ferry.map((r) => r.max), 'ms (per-round max)', 3),
  };
}
