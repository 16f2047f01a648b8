import { formatNumber, markdownTable } from './table.ts';

/** One measured figure in every column, e.g. "p95 ms, weekly-digest running". */
export interface ComparisonRow {
  label: string;
  /** In column order; undefined where it was not measured. */
  values: (number | undefined)[];
  decimals?: number;
}

/** `after / before`, e.g. "0.25x"; "n/a" when either side is missing or the baseline is zero. */
export function formatRatio(before: number | undefined, after: number | undefined): string {
  if (before === undefined || after === undefined || before === 0) return 'n/a';
  const ratio = after / before;
  return `${ratio.toLocaleString('en-US', { maximumFractionDigits: ratio < 10 ? 2 : 1 })}x`;
}

/** The bench's headline table: each figure in every column, then each later column's ratio to the first. */
export function renderComparisonTable(rows: ComparisonRow[], labels: string[]): string {
  const [baseline, ...others] = labels;
  const format = (value: number | undefined, decimals: number) =>
    value === undefined ? 'n/a' : formatNumber(value, decimals);
  return markdownTable(
    ['measure', ...labels, ...others.map((label) => `${label} / ${baseline}`)],
    rows.map((row) => [
      row.label,
      ...labels.map((_, column) => format(row.values[column], row.decimals ?? 1)),
      ...others.map((_, index) => formatRatio(row.values[0], row.values[index + 1])),
    ]),
  );
}
