import type { ChartedSeries } from '../charts/prometheus-series.ts';
import type { PrometheusFile } from '../results/result-schemas.ts';

type Capture = PrometheusFile['captures'][number];
type Captured = Capture['series'][number];

export interface SeriesChart {
  title: string;
  unit: string;
  series: ChartedSeries[];
}

/** Stored units in the units the bench's summaries print: seconds as ms, bytes as MiB, CPU seconds as % of a CPU. */
const displayUnits: Record<string, { unit: string; scale: number }> = {
  seconds: { unit: 'ms', scale: 1000 },
  bytes: { unit: 'MiB', scale: 1 / 1024 / 1024 },
  cpu: { unit: '% of a CPU', scale: 100 },
};

/** One chart per query of a capture that has samples, time counted from the start of the run's window. */
export function captureCharts(capture: Capture): SeriesChart[] {
  return capture.series
    .filter((captured) => captured.series.some((series) => series.points.some(([, value]) => value !== null)))
    .map((captured) => seriesChart(capture, captured));
}

function seriesChart(capture: Capture, captured: Captured): SeriesChart {
  const display = displayUnits[captured.unit] ?? { unit: captured.unit, scale: 1 };
  return {
    title: captured.title,
    unit: display.unit,
    series: captured.series.map((series) => ({
      name: series.labels[captured.by] ?? (Object.values(series.labels).join(', ') || 'all'),
      points: series.points.flatMap(([time, value]) =>
        value === null ? [] : [{ second: time - capture.start, value: value * display.scale }],
      ),
    })),
  };
}
