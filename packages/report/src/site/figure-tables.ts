import type { BenchFile, DemoFile, DrillFile } from '../results/result-schemas.ts';
import { escapeHtml, formatNumber, htmlTable, inlineMarkdown } from './html.ts';

type Experiment = BenchFile['experiments'][number];
type DemoRun = DemoFile['runs'][number];
type Metadata = DemoRun['metadata'];

/** An experiment's rows as bench.md prints them, with the ratio of the second column to the first when there are two. */
export function comparisonTable(experiment: Experiment): string {
  const labels = experiment.columns.map((column) => column.label);
  const withRatio = labels.length === 2;
  const headers = ['measure', ...labels, ...(withRatio ? [`${labels[1]} / ${labels[0]}`] : [])];
  const rows = experiment.comparison.rows.map((row) => {
    const cells = row.values.map((value) => formatNumber(value, row.decimals ?? 1));
    const [before, after] = row.values;
    const ratio =
      before !== undefined && after !== undefined && before > 0 ? `${(after / before).toFixed(2)}x` : '';
    return [escapeHtml(row.label), ...cells, ...(withRatio ? [ratio] : [])];
  });
  return htmlTable(headers, rows, (column) => column > 0);
}

export function demoTable(runs: DemoRun[]): string {
  const rows = runs.map((run) => [
    escapeHtml(run.label),
    formatNumber(run.result.requestsPerSecond, 0),
    formatNumber(run.result.latencyMs.p50),
    formatNumber(run.result.latencyMs.p95),
    formatNumber(run.result.latencyMs.p99),
    formatNumber(run.result.requests, 0),
    formatNumber(run.result.errors + run.result.non2xx, 0),
  ]);
  return htmlTable(
    ['run', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'requests', 'errors + non-2xx'],
    rows,
    (column) => column > 0,
  );
}

/** One line per drill: the load, what failed, how long, and whether its recovery checks passed. */
export function drillSummaryTable(
  drills: { name: string; file: DrillFile }[],
  href: (name: string) => string,
): string {
  const rows = drills.map(({ name, file }) => {
    const passed = file.checks.filter((check) => check.passed).length;
    const verdict = passed === file.checks.length ? 'pass' : 'fail';
    return [
      `<a href="${href(name)}">${escapeHtml(name)}</a>`,
      `${formatNumber(file.requestsPerSecond, 0)} req/s for ${formatNumber(file.load.durationSeconds, 0)} s`,
      `${formatNumber(file.failedRequests, 0)} of ${formatNumber(file.load.requests, 0)}`,
      file.outage ? `${formatNumber(file.outage.durationMs, 0)} ms` : 'none',
      `<span class="${verdict}">${passed} of ${file.checks.length}</span>`,
    ];
  });
  return htmlTable(
    ['drill', 'offered load', 'failed requests', 'outage', 'checks passed'],
    rows,
    (column) => column === 2 || column === 3,
  );
}

export function drillFactsTable(file: DrillFile): string {
  const { p50, p95, p99, max } = file.load.latencyMs;
  const rows = [
    [
      'latency p50 / p95 / p99 / max ms',
      [p50, p95, p99, max].map((value) => formatNumber(value)).join(' / '),
    ],
    ...Object.entries(file.facts).map(([name, value]) => [escapeHtml(name), escapeHtml(String(value))]),
  ];
  return htmlTable(['figure', 'value'], rows, () => false);
}

export function checksList(file: Pick<DrillFile, 'checks'>): string {
  const items = file.checks.map(
    (check) =>
      `<li><span class="${check.passed ? 'pass' : 'fail'}">${check.passed ? 'PASS' : 'FAIL'}</span> ` +
      `${escapeHtml(check.name)}. ${inlineMarkdown(check.detail)}</li>`,
  );
  return `<ul>${items.join('')}</ul>`;
}

/** When and where a run was measured: the figures only compare within one run, so every table says which. */
export function measuredLine(metadata: Metadata, note?: string): string {
  const when = metadata.startedAt.slice(0, 16).replace('T', ' ');
  const dirty = metadata.dirty ? ' (with uncommitted changes)' : '';
  return (
    `<p class="meta">Measured ${escapeHtml(when)} UTC at commit <code>${escapeHtml(metadata.commit.slice(0, 12))}</code>${dirty}, ` +
    `${metadata.machine.cores} × ${escapeHtml(metadata.machine.cpuModel)}, ${metadata.machine.memoryGiB} GiB. ` +
    `${escapeHtml(note ?? metadata.loadGenerator.note)}</p>`
  );
}
