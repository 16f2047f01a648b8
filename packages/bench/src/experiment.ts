import type { ChartedSeries, ChartPanel } from '@scaling/report';
import type { ComparisonRow } from './comparison.ts';
import type { Fixtures } from './mix.ts';
import type { ServerSeries } from './server-series.ts';
import type { StageSession } from './stage-session.ts';

/** How a column boots its stage: replicas, their CPUs, a compose variant (see `stackUp`). */
export interface BootSettings {
  scale?: Record<string, number>;
  cpusets?: Record<string, string[]>;
  variant?: string;
}

/** One column of a comparison: a stage booted one way, e.g. stage 3 with in-memory sessions. */
export interface Column {
  /** e.g. "stage 1", "Redis sessions": the table's column header and the chart's series name. */
  label: string;
  stage: number;
  boot?: BootSettings;
}

export interface RunSettings {
  /** Short durations for a smoke run; the figures are then indicative only. */
  quick: boolean;
  /** Overrides every experiment's own data scale. */
  scale: number | undefined;
  /** Write into the stage's tracked results/ folder rather than the git-ignored one (see `resultsDirectory`). */
  publish: boolean;
  output: (line: string) => void;
  signal: AbortSignal;
}

export interface ExperimentContext<Side> {
  session: StageSession;
  settings: RunSettings;
  scale: number;
  /** Seeded users logged in just before the experiment. */
  fixtures: Fixtures;
  /** The first column's result, when this run is a later column: e.g. to reuse a rate it calibrated there. */
  before: Side | undefined;
  /** Seconds: `full` normally, `quick` with --quick. */
  seconds(full: number, quick: number): number;
  output: (line: string) => void;
}

export interface ExperimentComparison {
  rows: ComparisonRow[];
  /** The experiment's bars in bench.svg, one series per column. */
  panel: Omit<ChartPanel, 'series'>;
  /** More panels under it, each on its own scale, e.g. the replicas over time beside the latency over time. */
  morePanels?: Omit<ChartPanel, 'series'>[];
  /** Extra Markdown under the table (errors by message, timelines...). */
  details?: string;
  /** Line charts over time beside bench.svg, each written as `bench-<name>.svg` and linked under the table. */
  lineCharts?: LineChart[];
}

/** A chart of values over a run, one line per series, e.g. a consumer group's lag. */
export interface LineChart {
  name: string;
  title: string;
  unit: string;
  series: ChartedSeries[];
}

/**
 * One comparison between topologies: `run` measures one column (the bench calls it for each, on the same seeded
 * data and the same load), `compare` turns the results, in column order, into rows and a chart panel.
 */
export interface Experiment<Side> {
  name: string;
  title: string;
  /** What it shows and how, for bench.md. */
  description: string;
  /** Default data scale (`--scale` overrides it). */
  scale: number;
  /**
   * False: the experiment makes its own data through the API (stage 6 has no seeder for its shards), so the bench
   * neither seeds nor logs in seeded users first and `fixtures` is empty.
   */
  seeded?: boolean;
  /** What it compares, in order; without it, the benchmark's columns (the previous stage, then this one). */
  columns?: Column[];
  /** What the servers did during each column's run, read from the stage's Prometheus and stored with the results. */
  serverSeries?: ServerSeries[];
  run(context: ExperimentContext<Side>): Promise<Side>;
  compare(results: Side[], labels: string[]): ExperimentComparison;
}

/** The registry holds experiments of different result types; each one only ever meets its own results. */
export type AnyExperiment = Experiment<unknown>;

export function defineExperiment<Side>(experiment: Experiment<Side>): AnyExperiment {
  return experiment as unknown as AnyExperiment;
}

/** The two results of a before-and-after experiment. */
export function beforeAndAfter<Side>(results: Side[]): [Side, Side] {
  const [before, after] = results;
  if (results.length !== 2 || before === undefined || after === undefined) {
    throw new Error(`A before-and-after comparison needs exactly 2 results; it got ${results.length}.`);
  }
  return [before, after];
}

export interface DrillContext {
  session: StageSession;
  settings: RunSettings;
  scale: number;
  fixtures: Fixtures;
  seconds(full: number, quick: number): number;
  output: (line: string) => void;
  /** What the drill's `baseline.run` measured first on its own stage; undefined for a drill without one. */
  baseline?: unknown;
}

export interface DrillReport {
  /** Written as drill-<name>.json. */
  raw: Record<string, unknown>;
  /** Written as drill-<name>.md. */
  markdown: string;
  /** A recovery check failed: the command exits non-zero. */
  passed: boolean;
}

/** A failure injected under steady load at a known time, on one stage. */
export interface Drill {
  name: string;
  title: string;
  description: string;
  scale: number;
  /** False: the drill makes its own data through the API (see `Experiment.seeded`). */
  seeded?: boolean;
  /** How the drill's stage boots (e.g. the load-test variant); the compose file as it is without it. */
  boot?: BootSettings;
  /**
   * The drill changes the stage's shape for good (add-shard fills a shard that only resharding starts): its data is
   * deleted when it stops, so the next boot is the stage as its compose file describes it.
   */
  deletesData?: boolean;
  /** What the servers did during the drill, read from the stage's Prometheus and stored with the results. */
  serverSeries?: ServerSeries[];
  /**
   * The same fault on another stage first, booted and stopped before this one (they share ports), to show what this
   * stage changes: e.g. stage 4 answering 503 where stage 5 serves. Its result reaches `run` as `context.baseline`.
   */
  baseline?: { column: Column; run(context: DrillContext): Promise<unknown> };
  run(context: DrillContext): Promise<DrillReport>;
}

export interface StageBenchmark {
  stage: number;
  /** The columns of experiments without their own: usually the previous stage, then this one. */
  columns: Column[];
  experiments: AnyExperiment[];
  drills: Drill[];
}
