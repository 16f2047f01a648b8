import { describe, expect, it } from 'vitest';
import {
  type BarChart,
  barChartSpec,
  benchComparisonSpec,
  type ChartedBench,
  drillTimelineSpec,
  type LatencyRun,
  latencyPercentilesSpec,
  prometheusSeriesSpec,
  renderChart,
  type TimelineSecond,
} from '../src/index.ts';
import { countMarks } from './svg-marks.ts';

function buildBarChart(overrides: Partial<BarChart> = {}): BarChart {
  return {
    title: 'stage 2 vs stage 1',
    series: ['stage 1', 'stage 2'],
    panels: [
      {
        title: 'Read latency',
        unit: 'ms',
        groups: [
          { label: 'p95', values: [400, 100] },
          { label: 'p99', values: [800, 200] },
        ],
      },
      { title: 'Churn', unit: 'per s', groups: [{ label: 'successes/s', values: [50, undefined] }] },
    ],
    ...overrides,
  };
}

function buildLatencyRun(overrides: Partial<LatencyRun> = {}): LatencyRun {
  return { label: 'stage 1, read-heavy', latencyMs: { p50: 5, p95: 30, p99: 70, max: 900 }, ...overrides };
}

function buildSecond(second: number, overrides: Partial<TimelineSecond> = {}): TimelineSecond {
  return { second, ok: 50, failed: 0, unauthorized: 0, otherClientErrors: 0, ...overrides };
}

function buildBench(overrides: Partial<ChartedBench> = {}): ChartedBench {
  return {
    stage: '03-load-balancer',
    experiments: [
      {
        title: 'Sessions behind the balancer',
        columns: [{ label: 'memory sessions' }, { label: 'Redis sessions' }, { label: 'sticky' }],
        comparison: {
          panel: { title: 'Refused', unit: '%', groups: [{ label: 'refused', values: [66, 0, 62] }] },
        },
      },
    ],
    ...overrides,
  };
}

describe('barChartSpec', () => {
  it('When panels hold measured and missing values, then there is a bar per measured value and n/a for the missing one', async () => {
    const svg = await renderChart(barChartSpec(buildBarChart()));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(countMarks(svg, 'bars')).toBe(5);
    expect(countMarks(svg, 'values')).toBe(6);
    expect(svg).toContain('>n/a</text>');
    expect(svg).toContain('Read latency (ms)');
  });

  it('When labels hold markup characters, then the SVG escapes them', async () => {
    const svg = await renderChart(barChartSpec(buildBarChart({ title: 'p95 <ms> & "ratio"' })));
    expect(svg).toContain('p95 &lt;ms&gt; &amp;');
    expect(svg).not.toContain('<ms>');
  });
});

describe('benchComparisonSpec', () => {
  it("When a bench run has an experiment of three columns, then its panel draws three bars with the columns' names", async () => {
    const svg = await renderChart(benchComparisonSpec(buildBench()));
    expect(svg).toContain('03-load-balancer: benchmark');
    expect(countMarks(svg, 'bars')).toBe(3);
    for (const label of ['memory sessions', 'Redis sessions', 'sticky'])
      expect(svg).toContain(`>${label}</text>`);
  });

  it('When an experiment brings more panels, then each is drawn under its first with the same columns', async () => {
    const [experiment] = buildBench().experiments;
    const svg = await renderChart(
      benchComparisonSpec(
        buildBench({
          experiments: [
            {
              ...(experiment as ChartedBench['experiments'][number]),
              comparison: {
                panel: { title: 'Refused', unit: '%', groups: [{ label: 'refused', values: [66, 0, 62] }] },
                morePanels: [
                  { title: 'Replicas', unit: 'replicas', groups: [{ label: '0-20 s', values: [2, 4, 2] }] },
                ],
              },
            },
          ],
        }),
      ),
    );
    expect(countMarks(svg, 'bars')).toBe(6);
    expect(svg).toContain('Replicas (replicas)');
  });
});

describe('latencyPercentilesSpec', () => {
  it('When two runs are charted, then each has a line through its four percentiles', async () => {
    const svg = await renderChart(
      latencyPercentilesSpec({
        title: 'Latency',
        runs: [buildLatencyRun(), buildLatencyRun({ label: 'stage 2, read-heavy' })],
      }),
    );
    expect(countMarks(svg, 'points')).toBe(8);
    expect(countMarks(svg, 'lines')).toBe(2);
    expect(countMarks(svg, 'values')).toBe(0);
  });

  it('When one run is charted, then each of its points is labelled with its value', async () => {
    const svg = await renderChart(latencyPercentilesSpec({ title: 'Latency', runs: [buildLatencyRun()] }));
    expect(countMarks(svg, 'values')).toBe(4);
    expect(svg).toContain('>900</text>');
  });
});

describe('drillTimelineSpec', () => {
  it('When seconds hold several outcomes, then each non-zero count is one stacked bar and each fault moment one rule', async () => {
    const svg = await renderChart(
      drillTimelineSpec({
        title: 'db-restart',
        timeline: [
          buildSecond(0),
          buildSecond(1, { ok: 1, failed: 49 }),
          buildSecond(2, { ok: 48, unauthorized: 2 }),
        ],
        marks: { 'postgres restart begins': 1003, 'postgres ready again': 1326 },
      }),
    );
    expect(countMarks(svg, 'bars')).toBe(5);
    expect(countMarks(svg, 'events')).toBe(2);
    expect(svg).toContain('postgres ready again');
  });
});

describe('prometheusSeriesSpec', () => {
  it('When a query returned a series per replica, then each is one line with a dot per sample', async () => {
    const points = (scale: number) => [0, 5, 10].map((second) => ({ second, value: second * scale }));
    const svg = await renderChart(
      prometheusSeriesSpec({
        title: 'requests served per second, per process',
        unit: 'req/s',
        series: [
          { name: 'app.1', points: points(1) },
          { name: 'app.2', points: points(2) },
          { name: 'app.3', points: points(3) },
        ],
      }),
    );
    expect(countMarks(svg, 'lines')).toBe(3);
    expect(countMarks(svg, 'points')).toBe(9);
    expect(svg).toContain('>app.3</text>');
  });

  it('When a series stayed at 0 the whole run, then the axis spans 0 to 1 and the line lies along its foot', async () => {
    const svg = await renderChart(
      prometheusSeriesSpec({
        title: 'clients waiting in PgBouncer for a server connection',
        unit: 'count',
        series: [{ name: 'pgbouncer', points: [0, 5, 10].map((second) => ({ second, value: 0 })) }],
      }),
    );
    expect(countMarks(svg, 'lines')).toBe(1);
    expect(svg).toContain('>1.0</text>');
    expect(svg).not.toContain('0.000000');
  });
});
