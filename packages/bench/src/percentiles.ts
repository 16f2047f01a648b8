export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles over every recorded latency (autocannon's own summary has no p95). */
export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary {
  if (samples.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (percentile: number) =>
    sorted[
      Math.min(sorted.length - 1, Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1))
    ] as number;
  let total = 0;
  for (const sample of sorted) total += sample;
  return {
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: sorted[sorted.length - 1] as number,
    mean: total / sorted.length,
  };
}
