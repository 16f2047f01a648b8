import type { ScenarioResult } from './run-scenario.ts';

export interface TableRow {
  label: string;
  result: ScenarioResult;
}

/** One Markdown row per run: throughput, latency percentiles and failures. */
export function renderResultsTable(rows: TableRow[]): string {
  const header = ['run', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'requests', 'errors', 'non-2xx'];
  const lines = rows.map(({ label, result }) => [
    label,
    formatNumber(result.requestsPerSecond, 0),
    formatNumber(result.latencyMs.p50, 1),
    formatNumber(result.latencyMs.p95, 1),
    formatNumber(result.latencyMs.p99, 1),
    formatNumber(result.requests, 0),
    formatNumber(result.errors, 0),
    formatNumber(result.non2xx, 0),
  ]);
  return markdownTable(header, lines);
}

/** Per request type of one run: where the failures come from. */
export function renderRequestTable(result: ScenarioResult): string {
  const lines = Object.entries(result.byRequest).map(([name, stats]) => [
    name,
    formatNumber(stats.requests, 0),
    formatNumber(result.requests ? (100 * stats.requests) / result.requests : 0, 1),
    formatNumber(stats.non2xx, 0),
  ]);
  return markdownTable(['request', 'count', 'share %', 'non-2xx'], lines);
}

export function markdownTable(header: string[], lines: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  );
  // Text left, numbers right, as readers expect in a results table; the first column always names the row.
  const numeric = header.map(
    (_, column) => column > 0 && lines.every((line) => /^(n\/a|[\d.,\-+ /x%→]*)$/.test(line[column] ?? '')),
  );
  const cell = (text: string, column: number) =>
    numeric[column] ? text.padStart(widths[column] as number) : text.padEnd(widths[column] as number);
  const row = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (numeric[column] ? `${'-'.repeat(width + 1)}:` : `:${'-'.repeat(width + 1)}`)).join('|')}|`;
  return [row(header), rule, ...lines.map(row)].join('\n');
}

export function formatNumber(value: number, decimals: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
