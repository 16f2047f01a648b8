import { setTimeout as sleep } from 'node:timers/promises';
import { type PrometheusClient, PrometheusError, type RangeSeries } from './prometheus-client.ts';
import type { ServerSeries } from './server-series.ts';

/** One declared series over one run's window, as Prometheus answered it. */
export interface CapturedSeries extends ServerSeries {
  /** The PromQL sent, `$range` already replaced. */
  query: string;
  /** Unix seconds, and seconds between points. */
  start: number;
  end: number;
  step: number;
  series: RangeSeries[];
  /** Why this one query failed, when it did (the others are still captured). */
  error?: string;
}

/** What one run (an experiment on one column, or a drill) read from Prometheus. */
export interface ServerSeriesCapture {
  /** The experiment or drill. */
  run: string;
  /** The column it measured, e.g. "stage 3" or "2 replicas". */
  column: string;
  prometheus: string;
  /** The run's window, unix seconds. */
  start: number;
  end: number;
  step: number;
  /** The window of every `rate()`. */
  rateRangeSeconds: number;
  scrapeIntervalSeconds: number;
  /** Set when nothing could be read: the sentence the run printed. The run itself went on. */
  unavailable?: string;
  series: CapturedSeries[];
}

export interface CaptureOptions {
  /** Undefined when the stage runs no Prometheus. */
  client: PrometheusClient | undefined;
  series: ServerSeries[];
  run: string;
  column: string;
  /** Unix ms. */
  startMs: number;
  endMs: number;
  /** How to get a Prometheus, for the sentence printed when there is none to read. */
  howToStart: string;
  output: (line: string) => void;
}

/** A range query's points stay few enough to store and chart for any run length. */
const maxPointsPerSeries = 240;
/** Prometheus's own default, for a server whose targets do not say theirs. */
const defaultScrapeIntervalSeconds = 15;

/**
 * Reads each declared series over the run's window. Never throws: a Prometheus that cannot be read yields a capture
 * whose `unavailable` says so, so a benchmark never fails for want of its server-side view.
 */
export async function captureServerSeries(options: CaptureOptions): Promise<ServerSeriesCapture> {
  const start = Math.floor(options.startMs / 1000);
  const end = Math.max(start + 1, Math.ceil(options.endMs / 1000));
  const empty = {
    run: options.run,
    column: options.column,
    prometheus: options.client?.url ?? '',
    start,
    end,
    step: 0,
    rateRangeSeconds: 0,
    scrapeIntervalSeconds: 0,
    series: [],
  };
  const { client } = options;
  if (!client) return giveUp(empty, `the stage runs no Prometheus. ${options.howToStart}`, options.output);
  options.output(`Reading ${options.series.length} server-side series from Prometheus at ${client.url}...`);
  let scrapeIntervalSeconds: number;
  try {
    scrapeIntervalSeconds = await waitForScrapesAfter(client, options.endMs);
  } catch (error) {
    return giveUp(empty, `${(error as Error).message} ${options.howToStart}`, options.output);
  }
  const step = stepFor(end - start, scrapeIntervalSeconds);
  const rateRangeSeconds = rateRangeFor(step, scrapeIntervalSeconds);
  const series: CapturedSeries[] = [];
  // Once Prometheus stops answering, the remaining queries would each wait out the timeout for nothing.
  let lost: string | undefined;
  for (const declared of options.series) {
    const query = declared.query.replaceAll('$range', `${rateRangeSeconds}s`);
    const captured = { ...declared, query, start, end, step };
    if (lost) {
      series.push({ ...captured, series: [], error: lost });
      continue;
    }
    try {
      series.push({ ...captured, series: await client.queryRange(query, { start, end, step }) });
    } catch (error) {
      series.push({ ...captured, series: [], error: (error as Error).message });
      if (error instanceof PrometheusError && isTransportFailure(error)) lost = error.message;
    }
  }
  const withData = series.filter((entry) => entry.series.length > 0).length;
  options.output(
    `Server-side series: ${withData} of ${series.length} with samples (a point every ${step} s).`,
  );
  return { ...empty, step, rateRangeSeconds, scrapeIntervalSeconds, series };
}

function giveUp(capture: ServerSeriesCapture, reason: string, output: (line: string) => void) {
  const unavailable = `The run continues without server-side series: ${reason}`;
  output(unavailable);
  return { ...capture, unavailable };
}

/**
 * Prometheus holds a run's last seconds only once it has scraped after the run ended: waits (at most two scrape
 * intervals) for every healthy target's next scrape, and returns the scrape interval.
 */
async function waitForScrapesAfter(client: PrometheusClient, endMs: number): Promise<number> {
  const first = await client.targets();
  const intervals = first.map((target) => target.scrapeIntervalSeconds).filter((seconds) => seconds > 0);
  const interval = intervals.length > 0 ? Math.max(...intervals) : defaultScrapeIntervalSeconds;
  const deadline = Date.now() + 2 * interval * 1000 + 1000;
  let targets = first;
  while (Date.now() < deadline) {
    const healthy = targets.filter((target) => target.health === 'up');
    if (healthy.every((target) => target.lastScrapeMs >= endMs)) break;
    await sleep(250);
    targets = await client.targets();
  }
  return interval;
}

/** At least one scrape interval (finer steps only repeat samples), and few enough points for any run length. */
export function stepFor(durationSeconds: number, scrapeIntervalSeconds: number): number {
  return Math.max(Math.ceil(scrapeIntervalSeconds), Math.ceil(durationSeconds / maxPointsPerSeries));
}

/**
 * The window of `rate()`: four scrapes, so one missed scrape still leaves two samples, and never shorter than a step
 * plus a scrape, so consecutive points overlap rather than skip samples (Grafana's $__rate_interval rule).
 */
export function rateRangeFor(step: number, scrapeIntervalSeconds: number): number {
  return Math.ceil(Math.max(4 * scrapeIntervalSeconds, step + scrapeIntervalSeconds));
}

function isTransportFailure(error: PrometheusError): boolean {
  return error.code === 'PROMETHEUS_UNREACHABLE' || error.code === 'PROMETHEUS_TIMEOUT';
}
