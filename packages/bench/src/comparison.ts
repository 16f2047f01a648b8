import { formatNumber, markdownTable } from './table.ts';

/** One measured figure in both topologies, e.g. "p95 ms, weekly-digest running". */
export interface ComparisonRow {
  label: string;
  before: number | undefined;
  after: number | undefined;
  decimals?: number;
}

export interface ComparisonLabels {
  /** The previous stage, e.g. "stage 1". */
  before: string;
  /** The stage being measured, e.g. "stage 2". */
  after: string;
}

/** `after / before`, e.g. "0.25x"; "n/a" when either side is missing or the baseline is zero. */
export function formatRatio(before: number | undefined, after: number | undefined): string {
  if (before === undefined || after === undefined || before === 0) return 'n/a';
  const ratio = after / before;
  return `${ratio.toLocaleString('en-US', { maximumFractionDigits: ratio < 10 ? 2 : 1 })}x`;
}

/** The bench's headline table: each figure in both stages and the ratio between them. */
export function renderComparisonTable(rows: ComparisonRow[], labels: ComparisonLabels): string {
  const format = (value: number | undefined, decimals: number) =>
    value === undefined ? 'n/a' : formatNumber(value, decimals);
  return markdownTable(
    ['measure', labels.before, labels.after, `${labels.after} / ${labels.before}`],
    rows.map((row) => [
      row.label,
      format(row.before, row.decimals ?? 1),
      format(row.after, row.decimals ?? 1),
      formatRatio(row.before, row.after),
    ]),
  );
}
