import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, plotWidth } from '../chart-theme.ts';
import { formatValue } from './format-value.ts';

export interface LatencyRun {
  /** e.g. "stage 2, read-heavy". */
  label: string;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

const percentiles = ['p50', 'p95', 'p99', 'max'] as const;

/** Each run's latency percentiles as a line of points (labelled when one run is shown), on a log scale: a p50 of 5 ms and a max of 900 ms both read. */
export function latencyPercentilesSpec(chart: { title: string; runs: LatencyRun[] }): TopLevelSpec {
  const rows = chart.runs.flatMap((run) =>
    percentiles.map((percentile) => ({
      run: run.label,
      percentile,
      ms: run.latencyMs[percentile],
      label: formatValue(run.latencyMs[percentile]),
    })),
  );
  const x = {
    field: 'percentile',
    type: 'ordinal',
    sort: percentiles,
    title: null,
    axis: { labelAngle: 0 },
  } as const;
  const y = { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms (log scale)' } as const;
  const color = {
    field: 'run',
    type: 'nominal',
    scale: { domain: chart.runs.map((run) => run.label) },
    title: null,
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    config: chartConfig,
    width: plotWidth,
    height: 220,
    data: { values: rows },
    encoding: { x, y, color },
    layer: [
      { name: 'lines', mark: { type: 'line' } },
      { name: 'points', mark: { type: 'point', filled: true, size: 60 } },
      // Values of several runs would overlap at each percentile; the legend and the axis carry them then.
      ...(chart.runs.length === 1
        ? [
            {
              name: 'values',
              mark: { type: 'text', dy: -10, fontSize: 10 },
              encoding: { text: { field: 'label' } },
            } as const,
          ]
        : []),
    ],
  };
}
