import type { TopLevelSpec } from 'vega-lite';
import { barChartSpec, type ChartPanel } from './bar-chart.ts';

/** What a chart needs of one experiment of a bench run (bench.json): its columns and its comparison's panel. */
export interface ChartedExperiment {
  title: string;
  columns: { label: string }[];
  comparison: { panel: Omit<ChartPanel, 'series'> };
}

export interface ChartedBench {
  /** The stage's folder name, e.g. 02-separate-database. */
  stage: string;
  experiments: ChartedExperiment[];
}

/** bench.svg: one panel per experiment, its columns as the bars of each group. */
export function benchComparisonSpec(bench: ChartedBench): TopLevelSpec {
  return barChartSpec({
    title: `${bench.stage}: benchmark`,
    series: [],
    panels: bench.experiments.map(experimentPanel),
  });
}

/** One experiment on its own, for a report page that shows each next to its table. */
export function experimentComparisonSpec(experiment: ChartedExperiment): TopLevelSpec {
  return barChartSpec({ title: experiment.title, series: [], panels: [experimentPanel(experiment)] });
}

function experimentPanel(experiment: ChartedExperiment): ChartPanel {
  return { ...experiment.comparison.panel, series: experiment.columns.map((column) => column.label) };
}
