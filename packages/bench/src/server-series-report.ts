import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ResultFiles, writeResultFiles } from './results.ts';
import type { SeriesUnit } from './server-series.ts';
import type { CapturedSeries, ServerSeriesCapture } from './server-series-capture.ts';

/** `<name>.prometheus.json`: every series a command's runs read from Prometheus, one capture per run. */
export interface ServerSeriesFile {
  /** The stage's folder name, e.g. 03-horizontal-scaling. */
  stage: string;
  captures: ServerSeriesCapture[];
}

/** Writes the captures beside the run's other result files (see `resultsDirectory`) and returns the path. */
export function writeServerSeries(directory: string, name: string, file: ServerSeriesFile): string {
  const path = join(directory, `${name}.prometheus.json`);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return path;
}

/**
 * Writes a run's result files (see `writeResultFiles`) with the server-side section appended to its Markdown, and
 * `<name>.prometheus.json` beside them; returns every path.
 */
export function writeResultsWithServerSeries(
  directory: string,
  name: string,
  serverSeries: ServerSeriesFile,
  files: ResultFiles,
): string[] {
  const markdown = `${files.markdown.trimEnd()}\n\n${renderServerSeriesSection(serverSeries, `${name}.prometheus.json`)}`;
  const written = writeResultFiles(directory, name, { ...files, markdown });
  return [...written, writeServerSeries(directory, name, serverSeries)];
}

/** The Markdown section listing, per run, the extreme of each series (a peak, or the fewest targets up). */
export function renderServerSeriesSection(file: ServerSeriesFile, fileName: string): string {
  const lines = [
    '## Server side, from Prometheus',
    '',
    `What the servers did during each run, as Prometheus scraped them (every series in full: ${fileName}).`,
    '',
  ];
  for (const capture of file.captures) {
    lines.push(`- ${capture.run}, ${capture.column}: ${summarizeCapture(capture)}`);
  }
  return lines.join('\n');
}

/** One line: each series' extreme over the window, and the series that had no samples. */
export function summarizeCapture(capture: ServerSeriesCapture): string {
  if (capture.unavailable) return capture.unavailable;
  const extremes: string[] = [];
  const missing: string[] = [];
  for (const series of capture.series) {
    const extreme = extremeOf(series);
    if (extreme) extremes.push(extreme);
    else missing.push(series.error ? `${series.name} (${series.error})` : series.name);
  }
  const parts = [
    extremes.length > 0 ? extremes.join('; ') : 'no series had samples',
    ...(missing.length > 0 ? [`no samples: ${missing.join(', ')}`] : []),
  ];
  return `${parts.join('. ')} (one point every ${capture.step} s).`;
}

function extremeOf(captured: CapturedSeries): string | undefined {
  const sign = captured.extreme === 'highest' ? 1 : -1;
  let best: { value: number; labels: Record<string, string> } | undefined;
  for (const series of captured.series) {
    for (const [, value] of series.points) {
      if (value !== null && (best === undefined || sign * value > sign * best.value)) {
        best = { value, labels: series.labels };
      }
    }
  }
  if (!best) return undefined;
  const where = best.labels[captured.by];
  return `${captured.title}: ${captured.extreme} ${formatValue(best.value, captured.unit)}${where ? ` (${where})` : ''}`;
}

export function formatValue(value: number, unit: SeriesUnit): string {
  const rounded = (number: number) =>
    Math.abs(number) >= 100 ? Math.round(number) : Number(number.toFixed(1));
  switch (unit) {
    case 'seconds':
      return `${rounded(value * 1000)} ms`;
    case 'bytes':
      return `${rounded(value / 1024 / 1024)} MiB`;
    case 'cpu':
      return `${Math.round(value * 100)}% of a CPU`;
    case 'count':
      return String(rounded(value));
    default:
      return `${rounded(value)} ${unit}`;
  }
}
