import type { ComparisonRow } from './comparison.ts';
import type { Fixtures } from './mix.ts';
import type { StageSession } from './stage-session.ts';
import type { ChartPanel } from './svg-chart.ts';

export interface RunSettings {
  /** Short durations for a smoke run; the figures are then indicative only. */
  quick: boolean;
  /** Overrides every experiment's own data scale. */
  scale: number | undefined;
  output: (line: string) => void;
  signal: AbortSignal;
}

export interface ExperimentContext<Side> {
  session: StageSession;
  settings: RunSettings;
  scale: number;
  /** Seeded users logged in just before the experiment. */
  fixtures: Fixtures;
  /** The previous stage's result, when this run is the newer stage: e.g. to reuse a rate it calibrated. */
  before: Side | undefined;
  /** Seconds: `full` normally, `quick` with --quick. */
  seconds(full: number, quick: number): number;
  output: (line: string) => void;
}

export interface ExperimentComparison {
  rows: ComparisonRow[];
  /** The experiment's bars in bench.svg. */
  panel: ChartPanel;
  /** Extra Markdown under the table (errors by message, timelines...). */
  details?: string;
}

/**
 * One comparison between the previous stage's topology and this one: `run` measures one stage (the bench calls it
 * for both, on the same seeded data and the same load), `compare` turns both results into rows and a chart panel.
 */
export interface Experiment<Side> {
  name: string;
  title: string;
  /** What it shows and how, for bench.md. */
  description: string;
  /** Default data scale (`--scale` overrides it). */
  scale: number;
  run(context: ExperimentContext<Side>): Promise<Side>;
  compare(before: Side, after: Side, labels: { before: string; after: string }): ExperimentComparison;
}

/** The registry holds experiments of different result types; each one only ever meets its own results. */
export type AnyExperiment = Experiment<unknown>;

export function defineExperiment<Side>(experiment: Experiment<Side>): AnyExperiment {
  return experiment as unknown as AnyExperiment;
}

export interface DrillContext {
  session: StageSession;
  settings: RunSettings;
  scale: number;
  fixtures: Fixtures;
  seconds(full: number, quick: number): number;
  output: (line: string) => void;
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
  run(context: DrillContext): Promise<DrillReport>;
}

export interface StageBenchmark {
  stage: number;
  /** The stage it is compared with. */
  previous: number;
  experiments: AnyExperiment[];
  drills: Drill[];
}
