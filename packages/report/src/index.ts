export { type BarChart, barChartSpec, type ChartPanel } from './charts/bar-chart.ts';
export {
  benchComparisonSpec,
  type ChartedBench,
  type ChartedExperiment,
  experimentComparisonSpec,
} from './charts/bench-comparison.ts';
export { drillTimelineSpec, type TimelineSecond } from './charts/drill-timeline.ts';
export { type LatencyRun, latencyPercentilesSpec } from './charts/latency-percentiles.ts';
export { type ChartedSeries, prometheusSeriesSpec } from './charts/prometheus-series.ts';
export { renderChart } from './render-chart.ts';
