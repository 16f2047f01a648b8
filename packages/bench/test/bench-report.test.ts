import { describe, expect, it } from 'vitest';
import { type BenchResults, renderBenchChart, renderBenchMarkdown } from '../src/benchmark.ts';
import { buildDrillReport, type DrillSummary } from '../src/drill-report.ts';
import type { FaultRun } from '../src/fault-run.ts';
import type { RunMetadata } from '../src/metadata.ts';
import type { OpenLoadResult } from '../src/open-load.ts';
import { markdownTable } from '../src/table.ts';
import { bucketTimeline, outageWindow } from '../src/timeline.ts';
import { buildOutcome } from './builders.ts';

function buildMetadata(overrides: Partial<RunMetadata> = {}): RunMetadata {
  return {
    commit: '0123456789abcdef',
    dirty: false,
    startedAt: '2026-01-02T03:04:05.000Z',
    machine: { cores: 2, memoryGiB: 8, cpuModel: 'Test CPU', platform: 'linux-x64' },
    nodeVersion: 'v24.0.0',
    autocannonVersion: '9.0.0',
    baseUrl: 'http://127.0.0.1:8080',
    data: { scale: 1, seed: 1 },
    loadGenerator: {
      cpus: '1',
      systemUnderTestCpus: '0',
      apartFromSystemUnderTest: true,
      note: 'The load generator runs on CPU 1, apart from the stage (CPU 0).',
    },
    ...overrides,
  };
}

function buildResults(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    stage: '02-separate-database',
    quick: false,
    metadata: {
      'stage 1': buildMetadata(),
      'stage 2': buildMetadata({
        loadGenerator: {
          cpus: '0-1',
          systemUnderTestCpus: '0,1',
          apartFromSystemUnderTest: false,
          note: 'The load generator SHARES CPUs with the stage.',
        },
      }),
    },
    experiments: [
      {
        name: 'read-latency',
        title: 'Read latency',
        description: 'Reads at a fixed rate.',
        scale: 2,
        columns: [
          { label: 'stage 1', stage: 1 },
          { label: 'stage 2', stage: 2 },
        ],
        results: [{}, {}],
        comparison: {
          rows: [{ label: 'p95 ms', values: [300, 30] }],
          panel: { title: 'Latency', unit: 'ms', groups: [{ label: 'p95', values: [300, 30] }] },
          details: 'Rate: 100 req/s.',
        },
      },
    ],
    ...overrides,
  };
}

function buildLoad(overrides: Partial<OpenLoadResult> = {}): OpenLoadResult {
  return {
    scenario: 'read-heavy',
    model: 'open',
    connections: 512,
    requestsPerSecondTarget: 2,
    durationSeconds: 3,
    requests: 4,
    requestsPerSecond: 4 / 3,
    latencyMs: { p50: 5, p95: 9, p99: 9, max: 9, mean: 6 },
    errors: 2,
    timeouts: 0,
    non2xx: 0,
    statusCodes: { 200: 4 },
    byRequest: {},
    errorsByMessage: { ECONNREFUSED: 2 },
    sendLagP99Ms: 1,
    ...overrides,
  };
}

describe('renderBenchMarkdown', () => {
  it('When rendering a run, then it states the machine, the placement of both stages, and each table with ratios', () => {
    const markdown = renderBenchMarkdown(buildResults());
    expect(markdown).toContain('# 02-separate-database: benchmark');
    expect(markdown).toContain('2 × Test CPU, 8 GiB; commit 0123456789ab;');
    expect(markdown).toContain('- stage 1: The load generator runs on CPU 1, apart from the stage (CPU 0).');
    expect(markdown).toContain('- stage 2: The load generator SHARES CPUs with the stage.');
    expect(markdown).toContain('## 1. Read latency');
    expect(markdown).toContain('Data scale 2.');
    expect(markdown).toContain('| p95 ms  |   300.0 |    30.0 |              0.1x |');
    expect(markdown).toContain('Rate: 100 req/s.');
    expect(markdown).not.toContain('Quick run');
  });

  it('When the run was quick or the tree dirty, then the report says so', () => {
    const markdown = renderBenchMarkdown(
      buildResults({ quick: true, metadata: { 'stage 1': buildMetadata({ dirty: true }) } }),
    );
    expect(markdown).toContain('(with uncommitted changes)');
    expect(markdown).toContain('**Quick run**');
  });

  it('When charting, then each experiment is a panel with its columns as series', async () => {
    const svg = await renderBenchChart(buildResults());
    expect(svg).toContain('02-separate-database: benchmark');
    expect(svg).toContain('>stage 1</text>');
    expect(svg).toContain('>stage 2</text>');
    expect(svg).toContain('Latency (ms)');
  });
});

describe('buildDrillReport', () => {
  function buildSummary(passed: boolean, overrides: Partial<DrillSummary> = {}): DrillSummary {
    const outcomes = [
      buildOutcome({ scheduledAtMs: 0, latencyMs: 5 }),
      buildOutcome({ scheduledAtMs: 1_000, latencyMs: 2, status: undefined, error: 'ECONNREFUSED' }),
      buildOutcome({ scheduledAtMs: 1_500, latencyMs: 2, status: undefined, error: 'ECONNREFUSED' }),
      buildOutcome({ scheduledAtMs: 2_000, latencyMs: 5 }),
    ];
    const run: FaultRun = {
      load: buildLoad(),
      marks: { 'postgres restart begins': 950, 'postgres ready again': 1_600 },
      timeline: bucketTimeline(outcomes, 3),
      outage: outageWindow(outcomes),
      outcomes,
    };
    return {
      title: 'Postgres restarts',
      description: 'A restart under load.',
      metadata: buildMetadata(),
      requestsPerSecond: 2,
      run,
      facts: { 'app pid before → after': '10 → 10' },
      checks: [
        { name: 'The app was not restarted', passed: true, detail: 'pid 10 → 10.' },
        { name: 'The API recovered', passed, detail: 'The last second was fine.' },
      ],
      ...overrides,
    };
  }

  it('When a drill ran, then the report holds the figures, the checks and a timeline with the fault marked', () => {
    const report = buildDrillReport(buildSummary(true));
    expect(report.passed).toBe(true);
    expect(report.markdown).toContain('| failed requests (no answer or 5xx) | 2 ');
    expect(report.markdown).toContain('1.0 s → 1.5 s (502 ms)');
    expect(report.markdown).toContain('- PASS: The app was not restarted. pid 10 → 10.');
    expect(report.markdown).toContain('- 2 × ECONNREFUSED');
    expect(report.markdown).toContain('| 0 | 1 | 0 | 0 | 0 | postgres restart begins (950 ms) |');
    expect(report.markdown).toContain('| 1 | 0 | 2 | 0 | 0 | postgres ready again (1600 ms) |');
    expect(report.raw.failedRequests).toBe(2);
    expect(report.raw).not.toHaveProperty('outcomes');
  });

  it('When a drill adds sections, then they follow the timeline under their titles', () => {
    const report = buildDrillReport(
      buildSummary(true, { sections: [{ title: 'Requests per replica per second', body: '| s | app.1 |' }] }),
    );
    const timelineAt = report.markdown.indexOf('## Per second');
    const sectionAt = report.markdown.indexOf('## Requests per replica per second\n\n| s | app.1 |');
    expect(timelineAt).toBeGreaterThan(0);
    expect(sectionAt).toBeGreaterThan(timelineAt);
  });

  it('When a check failed, then the report fails and says which', () => {
    const report = buildDrillReport(buildSummary(false));
    expect(report.passed).toBe(false);
    expect(report.markdown).toContain('- FAIL: The API recovered.');
  });
});

describe('markdownTable', () => {
  it('When a column holds text, then it is left-aligned; numeric columns stay right-aligned', () => {
    const table = markdownTable(
      ['stage', 'killed', 'failed'],
      [
        ['stage 1', 'app', '32'],
        ['stage 2', 'worker', '0'],
      ],
    ).split('\n');
    expect(table[1]).toBe('|:--------|:-------|-------:|');
    expect(table[2]).toBe('| stage 1 | app    |     32 |');
  });
});
