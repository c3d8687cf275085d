// The issue's goals, checked against one run's results. Each says whether it is met and, when
// not, by how much it is missed. `met: null` means the figure is missing (a section failed).

export const BUNDLE_LIMIT_BYTES = 250_000;
const FERRY_MODES = [
  ['ferry-buffered', 'extension, buffered'],
  ['ferry-stream', 'extension, response_stream'],
  ['ferry-runtime', 'runtime mode'],
  ['ferry-inline', 'inline, buffered'],
];

const fmt = (v, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

export function evaluateGoals(r) {
  const goals = [];
  const warm = r.warm?.contenders;
  const p50 = (name) => warm?.[name]?.p50Us?.median;
  const inProcess = p50('in-process');
  const direct = p50('direct');

  for (const [name, mode] of FERRY_MODES) {
    const ferry = p50(name);
    const ok = Number.isFinite(ferry) && Number.isFinite(inProcess);
    goals.push({
      id: `warm-vs-in-process:${name}`,
      goal: `Warm p50, Ferry (${mode}) no slower than in-process`,
      target: `≤ ${fmt(inProcess)} µs (in-process p50)`,
      actual: `${fmt(ferry)} µs (${ok ? (ferry / inProcess).toFixed(2) : 'n/a'}×)`,
      met: ok ? ferry <= inProcess : null,
      miss: ok && ferry > inProcess ? `${fmt(ferry - inProcess)} µs slower (+${fmt((100 * (ferry - inProcess)) / inProcess)}%)` : null,
    });
  }
  const floor = p50('floor') - direct;
  for (const [name, mode] of FERRY_MODES) {
    const ferry = p50(name);
    const ok = Number.isFinite(ferry) && Number.isFinite(direct);
    const overhead = ferry - direct;
    goals.push({
      id: `overhead-vs-direct:${name}`,
      goal: `Ferry (${mode}) − direct, p50`,
      target: '≤ 250 µs',
      actual: `${fmt(overhead)} µs${Number.isFinite(floor) ? ` (the no-op runtime through the same emulator costs ${fmt(floor)} µs more than direct)` : ''}`,
      met: ok ? overhead <= 250 : null,
      miss: ok && overhead > 250 ? `${fmt(overhead - 250)} µs over (${(overhead / 250).toFixed(2)}× the budget)` : null,
    });
  }
  {
    const ratio = r.streaming?.ratio;
    const ok = Number.isFinite(ratio);
    goals.push({
      id: 'streaming',
      goal: `Streaming ${r.streaming?.bodyMiB ?? '?'} MiB through Ferry vs direct read`,
      target: '≥ 0.8×',
      actual: `${ok ? ratio.toFixed(2) : 'n/a'}× (${fmt(r.streaming?.ferryMiBps?.median)} vs ${fmt(r.streaming?.directMiBps?.median)} MiB/s; a bare relay in Ferry's place: ${fmt(r.streaming?.bareRelayRatio, 2)}×)`,
      met: ok ? ratio >= 0.8 : null,
      miss:
        ok && ratio < 0.8
          ? `${fmt(0.8 * r.streaming.directMiBps.median - r.streaming.ferryMiBps.median)} MiB/s short (${(ratio / 0.8).toFixed(2)} of the target)`
          : null,
    });
  }
  {
    // Issue 15: inline streaming at ≥ 0.9× a direct read, the one process growing ≤ 32 MiB.
    const ratio = r.streaming?.inlineRatio;
    const growth = r.streaming?.inlineRssGrowthMiB?.max;
    const ok = Number.isFinite(ratio) && Number.isFinite(growth);
    goals.push({
      id: 'streaming-inline',
      goal: `Streaming ${r.streaming?.bodyMiB ?? '?'} MiB through Ferry inline vs direct read, and RSS growth`,
      target: '≥ 0.9×, growth ≤ 32 MiB',
      actual: `${fmt(ratio, 2)}× (${fmt(r.streaming?.inlineMiBps?.median)} vs ${fmt(r.streaming?.directMiBps?.median)} MiB/s); growth up to ${fmt(growth, 1)} MiB`,
      met: ok ? ratio >= 0.9 && growth <= 32 : null,
      miss:
        ok && !(ratio >= 0.9 && growth <= 32)
          ? [ratio < 0.9 ? `${(ratio / 0.9).toFixed(2)} of the speed target` : '', growth > 32 ? `${fmt(growth - 32, 1)} MiB over` : '']
              .filter(Boolean)
              .join('; ')
          : null,
    });
  }
  {
    const ratio = r.registration?.ratio;
    const ok = Number.isFinite(ratio);
    goals.push({
      id: 'registration',
      goal: 'Spawn → extension registered vs `node -e 0`',
      target: '≤ 1.3×',
      actual: `${ok ? ratio.toFixed(2) : 'n/a'}× (${fmt(r.registration?.ferryRegisteredMs?.median, 1)} vs ${fmt(r.registration?.bareNodeMs?.median, 1)} ms)`,
      met: ok ? ratio <= 1.3 : null,
      miss:
        ok && ratio > 1.3
          ? `${fmt(r.registration.ferryRegisteredMs.median - 1.3 * r.registration.bareNodeMs.median, 1)} ms over (${ratio.toFixed(2)}× vs 1.3×)`
          : null,
    });
  }
  {
    const bytes = r.bundle?.bytes;
    const ok = Number.isFinite(bytes);
    goals.push({
      id: 'bundle',
      goal: 'Bundle size of dist/layer/extensions/ferry',
      target: '≤ 250 KB (250,000 bytes)',
      actual: `${ok ? (bytes / 1000).toFixed(1) : 'n/a'} KB`,
      met: ok ? bytes <= BUNDLE_LIMIT_BYTES : null,
      miss:
        ok && bytes > BUNDLE_LIMIT_BYTES ? `${((bytes - BUNDLE_LIMIT_BYTES) / 1000).toFixed(1)} KB over (${(bytes / BUNDLE_LIMIT_BYTES).toFixed(2)}×)` : null,
    });
  }
  goals.push(...weightGoals(r));
  return goals;
}

/** Issue 14: what Ferry weighs (weight.mjs), and today's build against main's in the same run. */
function weightGoals(r) {
  const goals = [];
  const goal = (id, text, target, value, limit, actual, lowerIsBetter = true) => {
    const ok = Number.isFinite(value) && Number.isFinite(limit);
    const met = ok ? (lowerIsBetter ? value <= limit : value >= limit) : null;
    goals.push({ id, goal: text, target, actual, met, miss: met === false ? `${fmt(value, 2)} against ${fmt(limit, 2)}` : null });
  };
  const warm = r.warm?.contenders;
  if (warm?.['main:ferry-buffered']) {
    const now = warm['ferry-buffered']?.p50Us?.median;
    const main = warm['main:ferry-buffered']?.p50Us?.median;
    goal(
      'warm-vs-main',
      'Warm p50, Ferry extension buffered, no worse than main',
      `≤ ${fmt(main)} µs (main in the same run)`,
      now,
      main,
      `${fmt(now)} µs (${fmt(now / main, 2)}× main)`,
    );
  }
  const s = r.streaming;
  if (s?.mainMiBps) {
    goal(
      'streaming-vs-main',
      `Streaming ${s.bodyMiB} MiB, Ferry no slower than main`,
      `≥ ${fmt(s.mainMiBps.median)} MiB/s (main in the same run)`,
      s.ferryMiBps?.median,
      s.mainMiBps.median,
      `${fmt(s.ferryMiBps?.median)} MiB/s (${fmt(s.ferryVsMain, 2)}× main)`,
      false,
    );
  }
  const w = r.weight;
  if (!w || w.error) return goals;
  const bare = w.cpuToNextMs?.['node -e 0']?.median;
  const cpu = w.cpuToNextMs?.['ferry-buffered']?.median;
  goal(
    'cpu-to-next',
    'Ferry CPU, spawn → first /next (app listening)',
    `≤ 1.5 × node -e 0 + 5 ms = ${fmt(1.5 * bare + 5, 1)} ms`,
    cpu,
    1.5 * bare + 5,
    `${fmt(cpu, 1)} ms (node -e 0: ${fmt(bare, 1)} ms)`,
  );
  // The issue's targets are for the 1,024 MB box (the smoke preset measures only 1,769 MB).
  const box = w.boxes?.['1024'];
  for (const [name, mode] of box
    ? [
        ['ferry-buffered', 'extension'],
        ['ferry-runtime', 'runtime mode'],
      ]
    : []) {
    const cold = box?.[name]?.firstResponseMs?.median;
    const peer = box?.['in-process']?.firstResponseMs?.median;
    // A bare Node start, then the app, in one box: what no Node sidecar can shed.
    const floor = w.floors?.['1024']?.nodeThenAppMs?.median ?? NaN;
    const cpu = box?.[name]?.firstResponseCpuMs?.median;
    const peerCpu = box?.['in-process']?.firstResponseCpuMs?.median;
    goal(
      `cold-1024:${name}`,
      `Cold start to first response, 1,024 MB box, Ferry ${mode} vs in-process`,
      '≤ 1.15×',
      cold / peer,
      1.15,
      `${fmt(cold / peer, 2)}× (${fmt(cold)} vs ${fmt(peer)} ms${Number.isFinite(cpu / peerCpu) ? `; box CPU ${fmt(cpu)} vs ${fmt(peerCpu)} ms, ${fmt(cpu / peerCpu, 2)}×` : ''})${Number.isFinite(floor) ? `; floor for any Node sidecar (\`node -e 0\`, then the app, one box): ${fmt(floor)} ms, ${fmt(floor / peer, 2)}×` : ''}`,
    );
    // Without a cgroup there is no box memory to read (the weight section's notes say so).
    if (!w.box.startsWith('cgroup')) continue;
    const mem = box?.[name]?.maxMemoryUsedMiB?.median;
    const peerMem = box?.['in-process']?.maxMemoryUsedMiB?.median;
    goal(
      `memory-1024:${name}`,
      `Max Memory Used, 1,024 MB box, after ${w.invocations} invocations, Ferry ${mode} vs in-process`,
      '≤ 1.25×',
      mem / peerMem,
      1.25,
      `${fmt(mem / peerMem, 2)}× (${fmt(mem, 1)} vs ${fmt(peerMem, 1)} MiB)`,
    );
  }
  if (box?.['ferry-inline']) goals.push(...inlineBoxGoals(w, box));
  const big = w.boxes?.[Object.keys(w.boxes).at(-1)]?.['ferry-buffered'];
  const bareRss = w.bareNode?.idleRssMiB?.median;
  goal(
    'rss-idle',
    'Ferry RSS idle (extension) − bare node',
    '≤ +6 MiB',
    big?.ferryIdleRssMiB?.median - bareRss,
    6,
    `+${fmt(big?.ferryIdleRssMiB?.median - bareRss, 1)} MiB (${fmt(big?.ferryIdleRssMiB?.median, 1)} vs ${fmt(bareRss, 1)})`,
  );
  goal(
    'rss-long',
    `Ferry RSS after ${w.longInvocations} invocations − bare node`,
    '≤ +12 MiB',
    big?.ferryLongRssMiB?.median - bareRss,
    12,
    `+${fmt(big?.ferryLongRssMiB?.median - bareRss, 1)} MiB (${fmt(big?.ferryLongRssMiB?.median, 1)} vs ${fmt(bareRss, 1)})`,
  );
  return goals;
}

/** Issue 15: inline mode in the 1,024 MB box, against the in-process peer in the same box. */
function inlineBoxGoals(w, box) {
  const inline = box['ferry-inline'];
  const peer = box['in-process'];
  const goals = [];
  const cold = inline.firstResponseMs?.median;
  const peerCold = peer?.firstResponseMs?.median;
  const coldOk = Number.isFinite(cold) && Number.isFinite(peerCold);
  goals.push({
    id: 'cold-1024:ferry-inline',
    goal: 'Cold start to first response, 1,024 MB box, Ferry inline vs in-process',
    target: `≤ ${fmt(peerCold)} ms (in-process, same box)`,
    actual: `${fmt(cold)} ms (${coldOk ? (cold / peerCold).toFixed(2) : 'n/a'}×)`,
    met: coldOk ? cold <= peerCold : null,
    miss: coldOk && cold > peerCold ? `${fmt(cold - peerCold)} ms slower (+${fmt((100 * (cold - peerCold)) / peerCold)}%)` : null,
  });
  // Without a cgroup there is no box memory to read (the weight section's notes say so).
  if (!w.box.startsWith('cgroup')) return goals;
  const mem = inline.maxMemoryUsedMiB?.median;
  const peerMem = peer?.maxMemoryUsedMiB?.median;
  const memOk = Number.isFinite(mem) && Number.isFinite(peerMem);
  goals.push({
    id: 'memory-1024:ferry-inline',
    goal: `Max Memory Used, 1,024 MB box, after ${w.invocations} invocations, Ferry inline vs in-process`,
    target: `≤ ${fmt(peerMem + 8, 1)} MiB (in-process + 8 MiB)`,
    actual: `${fmt(mem, 1)} MiB (in-process ${fmt(peerMem, 1)} MiB, ${memOk ? `${mem >= peerMem ? '+' : ''}${fmt(mem - peerMem, 1)}` : 'n/a'} MiB)`,
    met: memOk ? mem <= peerMem + 8 : null,
    miss: memOk && mem > peerMem + 8 ? `${fmt(mem - peerMem - 8, 1)} MiB over` : null,
  });
  return goals;
}
