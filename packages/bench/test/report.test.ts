import { describe, expect, it } from 'vitest';
import { renderLoadProgress } from '../src/live-progress.ts';
import { parseCpuList } from '../src/metadata.ts';
import { summarizeLatencies } from '../src/percentiles.ts';
import type { ScenarioResult } from '../src/run-scenario.ts';
import { renderRequestTable, renderResultsTable } from '../src/table.ts';

function buildResult(overrides: Partial<ScenarioResult> = {}): ScenarioResult {
  return {
    scenario: 'read-heavy',
    model: 'closed',
    connections: 8,
    requestsPerSecondTarget: undefined,
    durationSeconds: 10,
    requests: 12_345,
    requestsPerSecond: 1_234.5,
    latencyMs: { p50: 3.21, p95: 12.5, p99: 40, max: 80, mean: 5 },
    errors: 3,
    timeouts: 2,
    non2xx: 7,
    statusCodes: { 200: 12_338, 404: 7 },
    byRequest: { 'get article': { requests: 10_000, non2xx: 7 }, tags: { requests: 2_345, non2xx: 0 } },
    ...overrides,
  };
}

describe('summarizeLatencies', () => {
  it('When given 1..100, then the nearest-rank percentiles are 50, 95 and 99', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarizeLatencies(samples)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
  });

  it('When there are no samples, then every figure is zero', () => {
    expect(summarizeLatencies([])).toEqual({ p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });
});

describe('renderResultsTable', () => {
  it('When rendering runs, then each is one aligned Markdown row', () => {
    const table = renderResultsTable([
      { label: 'stage 1', result: buildResult() },
      { label: 'stage 2, pooled', result: buildResult({ requestsPerSecond: 99, errors: 0, timeouts: 0 }) },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toBe(
      '| run             | req/s | p50 ms | p95 ms | p99 ms | requests | errors | non-2xx |',
    );
    expect(lines[1]).toBe(
      '|:----------------|------:|-------:|-------:|-------:|---------:|-------:|--------:|',
    );
    expect(lines[2]).toBe(
      '| stage 1         | 1,235 |    3.2 |   12.5 |   40.0 |   12,345 |      3 |       7 |',
    );
    expect(lines[3]).toContain('| stage 2, pooled |    99 |');
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });

  it('When rendering one run per request type, then shares and failures show per request', () => {
    const table = renderRequestTable(buildResult());
    expect(table).toContain('| get article | 10,000 |    81.0 |       7 |');
    expect(table).toContain('| tags        |  2,345 |    19.0 |       0 |');
  });
});

describe('parseCpuList', () => {
  it('When given ranges and single CPUs, then it expands them', () => {
    expect(parseCpuList('0-2,5')).toEqual([0, 1, 2, 5]);
    expect(parseCpuList('1')).toEqual([1]);
    expect(parseCpuList('')).toEqual([]);
  });
});

describe('renderLoadProgress', () => {
  it('When the run is under way, then the line shows time, requests, rate and failures', () => {
    const line = renderLoadProgress(
      'read-heavy',
      { elapsedSeconds: 4.2, durationSeconds: 20, requests: 5_000, errors: 0, non2xx: 3 },
      1_200.4,
    );
    expect(line).toBe('read-heavy  4/20 s  5,000 requests  1,200 req/s  0 errors  3 non-2xx');
  });
});
