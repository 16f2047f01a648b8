import type { AppInstance } from './stage-services.ts';

/** One sample of the Prometheus text format: `name{label="value",...} 12`. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = sampleLine.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(labelPair))
      labels[name as string] = value as string;
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * Each replica's metrics, read directly from its METRICS_PORT (Prometheus scrapes every few seconds; a drill needs
 * the moment). A replica that does not answer within the timeout (e.g. being restarted) maps to an empty list.
 */
export async function scrapeApps(
  apps: AppInstance[],
  timeoutMs = 2_000,
): Promise<Record<string, MetricSample[]>> {
  const entries = await Promise.all(
    apps.map(async (app) => {
      try {
        const response = await fetch(app.metricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
        return [app.name, response.ok ? parseMetrics(await response.text()) : []] as const;
      } catch {
        return [app.name, [] as MetricSample[]] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/** The sum of a metric's samples whose labels include `where`, e.g. cache_requests_total{result="hit"}. */
export function sumMetric(samples: MetricSample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter(
      (sample) =>
        sample.name === name &&
        Object.entries(where).every(([label, value]) => sample.labels[label] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** A metric's value per value of one label, summed over the rest, e.g. db_reads_total by target. */
export function metricBy(samples: MetricSample[], name: string, label: string): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const sample of samples) {
    if (sample.name !== name) continue;
    const key = sample.labels[label] ?? '';
    totals[key] = (totals[key] ?? 0) + sample.value;
  }
  return totals;
}

/** What each counter grew by between two scrapes of the same processes (a restarted process counts from zero). */
export function counterGrowth(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const growth: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const previous = before[key] ?? 0;
    growth[key] = value >= previous ? value - previous : value;
  }
  return growth;
}
