// Small statistics helpers. Every figure in results.json is a `Spread`: the median of the
// repeated measurements plus their min and max, and the samples themselves.

/** Nearest-rank percentile of unsorted numbers (p in 0..100). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `{ median, min, max, samples, unit }` of repeated measurements. */
export function spread(samples, unit, digits = 3) {
  const clean = samples.filter((v) => Number.isFinite(v));
  const round = (v) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null);
  return {
    median: round(median(clean)),
    min: round(clean.length ? Math.min(...clean) : NaN),
    max: round(clean.length ? Math.max(...clean) : NaN),
    n: clean.length,
    unit,
    samples: clean.map(round),
  };
}

/** a / b of two spreads' medians, rounded. */
export function ratio(a, b, digits = 3) {
  const value = a?.median / b?.median;
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : null;
}
