import { parseArgs } from 'node:util';
import { readHeavy } from '@scaling/loadtests/scenarios/read-heavy';
import {
  assertStagesFree,
  interruptOnSigint,
  parsePositive,
  prefixed,
  reportFailure,
} from './command-line.ts';
import { renderComparisonTable } from './comparison.ts';
import { loadProgress } from './live-progress.ts';
import { failedRequests } from './load-summary.ts';
import type { RunMetadata } from './metadata.ts';
import { describeWritten, resultsDirectory, writeResultFiles } from './results.ts';
import { runScenario, type ScenarioResult } from './run-scenario.ts';
import { closeStage, loadData, openStage } from './stage-session.ts';
import { renderRequestTable, renderResultsTable } from './table.ts';

const stages = [1, 2, 3];
const dataScale = 1;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: String(readHeavy.connections) },
    // The demo is the first thing a newcomer runs: by default it leaves the checkout, and the figures it ships, alone.
    publish: { type: 'boolean', default: false },
  },
});

interface StageRun {
  /** e.g. "stage 2". */
  stage: string;
  label: string;
  resultsDir: string;
  metadata: RunMetadata;
  result: ScenarioResult;
}

const output = prefixed('demo');
const signal = interruptOnSigint('demo', stages);

async function runStage(stage: number, durationSeconds: number, connections: number): Promise<StageRun> {
  const session = await openStage(stage, output);
  try {
    const fixtures = await loadData(session, dataScale, output);
    output(
      `Running "${readHeavy.name}" on ${session.label} for ${durationSeconds} s with ${connections} connections...`,
    );
    const metadata = session.metadata(dataScale);
    const result = await runScenario({
      baseUrl: session.baseUrl,
      scenario: readHeavy,
      fixtures,
      durationSeconds,
      connections,
      onProgress: loadProgress(`${session.label} ${readHeavy.name}`),
      signal,
    });
    return {
      stage: session.label,
      label: `${session.label}, ${readHeavy.name}`,
      resultsDir: resultsDirectory(stage, values.publish),
      metadata,
      result,
    };
  } finally {
    await closeStage(stage, output);
  }
}

/** Every run side by side, each later stage's ratio to the first. */
function compare(runs: StageRun[]): string {
  const row = (label: string, pick: (result: ScenarioResult) => number, decimals = 1) => ({
    label,
    values: runs.map((run) => pick(run.result)),
    decimals,
  });
  return renderComparisonTable(
    [
      row('req/s (closed model: as fast as it answers)', (result) => result.requestsPerSecond, 0),
      row('p50 ms', (result) => result.latencyMs.p50),
      row('p95 ms', (result) => result.latencyMs.p95),
      row('p99 ms', (result) => result.latencyMs.p99),
      row('failed requests', failedRequests, 0),
    ],
    runs.map((run) => run.stage),
  );
}

try {
  const durationSeconds = parsePositive('duration', values.duration) as number;
  const connections = parsePositive('connections', values.connections) as number;
  await assertStagesFree(stages);
  const runs: StageRun[] = [];
  for (const stage of stages) {
    if (signal.aborted) break;
    output(`\nStage ${stage}`);
    const run = await runStage(stage, durationSeconds, connections);
    const previous = runs.at(-1);
    runs.push(run);
    // Each stage's folder keeps its own run; the newer stage's also holds the comparison with the one before.
    const markdown = [
      renderResultsTable(previous ? [previous, run] : [run]),
      renderRequestTable(run.result),
      ...(previous ? [compare([previous, run])] : []),
      runs.map((each) => `- ${each.label}: ${each.metadata.loadGenerator.note}`).join('\n'),
    ].join('\n\n');
    const raw = { runs: (previous ? [previous, run] : [run]).map(({ resultsDir: _dir, ...kept }) => kept) };
    const files = writeResultFiles(run.resultsDir, 'demo', { raw, markdown });
    output(
      `${describeWritten(files, values.publish)} (the JSON records commit, machine, versions, CPU placement)`,
    );
  }
  if (runs.length === stages.length) {
    console.log(`\n${renderResultsTable(runs)}\n\n${compare(runs)}\n`);
    for (const run of runs) console.log(`- ${run.label}: ${run.metadata.loadGenerator.note}`);
    output(
      '\nEach stage proves its own point with "pnpm bench <stage>" and "pnpm drill <stage> <name>": stage 2 a heavy ' +
        'job, connection churn and a crashing job; stage 3 sessions behind the balancer, one versus two replicas, and ' +
        'the rolling-restart, replica-kill and redis-down drills.',
    );
  }
  if (signal.aborted) process.exitCode = 130;
} catch (error) {
  reportFailure('demo', error, signal.aborted ? 130 : 1);
}
