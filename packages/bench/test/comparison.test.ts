import { describe, expect, it } from 'vitest';
import { type ComparisonRow, formatRatio, renderComparisonTable } from '../src/comparison.ts';

function buildRow(overrides: Partial<ComparisonRow> = {}): ComparisonRow {
  return { label: 'p95 ms', values: [200, 50], ...overrides };
}

describe('formatRatio', () => {
  it('When the new stage is four times faster, then the ratio reads 0.25x', () => {
    expect(formatRatio(200, 50)).toBe('0.25x');
  });

  it('When the ratio is large, then it keeps one decimal', () => {
    expect(formatRatio(3, 100)).toBe('33.3x');
  });

  it('When the baseline is zero or a side is missing, then there is no ratio', () => {
    expect(formatRatio(0, 10)).toBe('n/a');
    expect(formatRatio(undefined, 10)).toBe('n/a');
    expect(formatRatio(10, undefined)).toBe('n/a');
  });
});

describe('renderComparisonTable', () => {
  it('When rendering rows, then each shows both stages and "after / before" in aligned columns', () => {
    const table = renderComparisonTable(
      [buildRow(), buildRow({ label: 'successes/s', values: [120, 2_400], decimals: 0 })],
      ['stage 1', 'stage 2'],
    );
    const lines = table.split('\n');
    expect(lines[0]).toBe('| measure     | stage 1 | stage 2 | stage 2 / stage 1 |');
    expect(lines[2]).toBe('| p95 ms      |   200.0 |    50.0 |             0.25x |');
    expect(lines[3]).toBe('| successes/s |     120 |   2,400 |               20x |');
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });

  it('When a side was not measured, then its cell and the ratio say n/a', () => {
    const table = renderComparisonTable([buildRow({ values: [200, undefined] })], ['stage 1', 'stage 2']);
    expect(table.split('\n')[2]).toMatch(/\| +200\.0 \| +n\/a \| +n\/a \|$/);
  });

  it('When three columns are compared, then each later one gets its ratio to the first', () => {
    const table = renderComparisonTable(
      [buildRow({ label: '401 %', values: [66.7, 0, 70], decimals: 1 })],
      ['memory', 'Redis', 'sticky'],
    );
    const lines = table.split('\n');
    expect(lines[0]).toBe('| measure | memory | Redis | sticky | Redis / memory | sticky / memory |');
    expect(lines[2]).toBe('| 401 %   |   66.7 |   0.0 |   70.0 |             0x |           1.05x |');
  });
});
