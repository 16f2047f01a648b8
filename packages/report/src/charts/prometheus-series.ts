import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, plotWidth } from '../chart-theme.ts';
import { wrapText } from './wrap-text.ts';

/** Titles wrap to stay within the plot's width: these charts stand two side by side on a report page. */
const titleLineLength = 48;

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
  const largest = Math.max(0, ...rows.map((row) => row.value));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: wrapText(chart.title, titleLineLength),
    config: chartConfig,
    width: plotWidth,
    height: 180,
    data: { values: rows },
    encoding: {
      x: { field: 'second', type: 'quantitative', title: 'seconds since the run started' },
      // A series that stayed at 0 (no client ever waited) gets a 0..1 axis rather than a collapsed one.
      y: {
        field: 'value',
        type: 'quantitative',
        title: chart.unit,
        scale: largest > 0 ? { zero: true } : { domain: [0, 1] },
      },
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
