import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, plotWidth } from '../chart-theme.ts';

/** One series of a Prometheus range query: its legend name and its samples, in seconds since the run started. */
export interface ChartedSeries {
  name: string;
  points: { second: number; value: number }[];
}

/** What the system did during a run, as Prometheus saw it: one line per series of one query, a dot per sample. */
export function prometheusSeriesSpec(chart: {
  title: string;
  unit: string;
  series: ChartedSeries[];
}): TopLevelSpec {
  const rows = chart.series.flatMap((series) =>
    series.points.map((point) => ({ series: series.name, second: point.second, value: point.value })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    config: chartConfig,
    width: plotWidth,
    height: 180,
    data: { values: rows },
    encoding: {
      x: { field: 'second', type: 'quantitative', title: 'seconds since the run started' },
      y: { field: 'value', type: 'quantitative', title: chart.unit },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: chart.series.map((series) => series.name) },
        title: null,
      },
    },
    // A dot at each sample: a series with one sample (a short run, a late target) still shows, where a line cannot.
    layer: [
      { name: 'lines', mark: { type: 'line' } },
      { name: 'points', mark: { type: 'point', filled: true, size: 14 } },
    ],
  };
}
