export { type BenchResults, renderBenchChart, renderBenchMarkdown, runBenchmark } from './benchmark.ts';
export { type ChurnOptions, type ChurnResult, runChurn } from './churn.ts';
export { type ComparisonRow, formatRatio, renderComparisonTable } from './comparison.ts';
export { runDrill } from './drill.ts';
export { buildDrillReport, type DrillCheck, type DrillSummary } from './drill-report.ts';
export {
  type AnyExperiment,
  type Drill,
  type DrillReport,
  defineExperiment,
  type Experiment,
  type ExperimentComparison,
  type ExperimentContext,
  type StageBenchmark,
} from './experiment.ts';
export { type FaultRun, runWithFault } from './fault-run.ts';
export { type FixtureOptions, prepareFixtures } from './fixtures.ts';
export { type JobPressure, startJobPressure } from './job-pressure.ts';
export { loadProgress, renderLoadProgress } from './live-progress.ts';
export {
  collectMetadata,
  currentCpus,
  type LoadGeneratorPlacement,
  parseCpuList,
  type RunMetadata,
} from './metadata.ts';
export { createMix, type Fixtures, type ResolvedRequest } from './mix.ts';
export { type OpenLoadOptions, type OpenLoadResult, type RequestOutcome, runOpenLoad } from './open-load.ts';
export { type LatencySummary, summarizeLatencies } from './percentiles.ts';
export { pinProcess } from './pin.ts';
export { freeCpu, stageCpus, stageDatabaseUrl } from './placement.ts';
export { createPrometheusClient, type PrometheusClient } from './prometheus-client.ts';
export { describeWritten, type ResultFiles, resultsDirectory, writeResultFiles } from './results.ts';
export {
  type LiveProgress,
  type RequestStats,
  type RunOptions,
  runScenario,
  type ScenarioResult,
} from './run-scenario.ts';
export type { ZipkinSpan } from './span-tree.ts';
export { closeStage, loadData, openStage, type StageSession } from './stage-session.ts';
export { findBenchmark, stageBenchmarks } from './stages/index.ts';
export { markdownTable, renderRequestTable, renderResultsTable, type TableRow } from './table.ts';
export { fetchWaitingOutThrottle, type ThrottledFetchOptions } from './throttled-fetch.ts';
export {
  bucketTimeline,
  classifyOutcome,
  type OutageWindow,
  outageWindow,
  type TimelineBucket,
} from './timeline.ts';
