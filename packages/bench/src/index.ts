export { type FixtureOptions, prepareFixtures } from './fixtures.ts';
export { loadProgress, renderLoadProgress } from './live-progress.ts';
export {
  collectMetadata,
  currentCpus,
  type LoadGeneratorPlacement,
  parseCpuList,
  type RunMetadata,
} from './metadata.ts';
export { createMix, type Fixtures, type ResolvedRequest } from './mix.ts';
export { type LatencySummary, summarizeLatencies } from './percentiles.ts';
export { pinProcess } from './pin.ts';
export { freeCpu, stageCpus, stageDatabaseUrl } from './placement.ts';
export { type BenchReport, writeReport } from './results.ts';
export {
  type LiveProgress,
  type RequestStats,
  type RunOptions,
  runScenario,
  type ScenarioResult,
} from './run-scenario.ts';
export { markdownTable, renderRequestTable, renderResultsTable, type TableRow } from './table.ts';
