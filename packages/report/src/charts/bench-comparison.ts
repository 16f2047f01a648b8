import type { TopLevelSpec } from 'vega-lite';
import { barChartSpec, type ChartPanel } from './bar-chart.ts';

/** What a chart needs of one experiment of a bench run (bench.json): its columns and its comparison's panels. */
export interface ChartedExperiment {
  title: string;
  columns: { label: string }[];
  /** `morePanels`: an experiment that follows several things over time (latency, replicas) draws each on its own scale. */
  comparison: { panel: Omit<ChartPanel, 'series'>; morePanels?: Omit<ChartPanel, 'series'>[] | undefined };
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
    panels: bench.experiments.flatMap(experimentPanels),
  });
}

/** One experiment on its own, for a report page that shows each next to its table. */
export function experimentComparisonSpec(experiment: ChartedExperiment): TopLevelSpec {
  return barChartSpec({ title: experiment.title, series: [], panels: experimentPanels(experiment) });
}

function experimentPanels(experiment: ChartedExperiment): ChartPanel[] {
  const series = experiment.columns.map((column) => column.label);
  return [experiment.comparison.panel, ...(experiment.comparison.morePanels ?? [])].map((panel) => ({
    ...panel,
    series,
  }));
}
