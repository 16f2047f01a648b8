import type { Scenario } from '@scaling/loadtests/scenarios/types';
import { stackStatus } from '@scaling/stack';
import { type CpuGroup, type CpuUsage, cpuUsageBetween, stageCpuGroups, takeSnapshot } from './cpu-usage.ts';
import { loadProgress } from './live-progress.ts';
import type { Fixtures } from './mix.ts';
import { runScenario, type ScenarioResult } from './run-scenario.ts';
import type { StageSession } from './stage-session.ts';

/** The CPU group of the bench process itself: autocannon sends the load from it. */
export const benchLoadGenerator = 'load generator (this bench)';

export interface WarmedRun {
  result: ScenarioResult;
  cpu: CpuUsage;
}

export interface WarmedRunOptions {
  session: StageSession;
  /** With its measured duration already set. */
  scenario: Scenario;
  fixtures: Fixtures;
  warmUpSeconds: number;
  /** Names the run in progress lines, e.g. the workload or the tracing level. */
  label: string;
  /** Put before the first progress line only, e.g. `[2/6] `. */
  step?: string;
  /** Where the load goes when not the stage's front door, e.g. one replica's own port. */
  baseUrl?: string;
  /** Processes outside the stage whose CPU time is read too, e.g. a reference server started beside it. */
  extraCpuGroups?: CpuGroup[];
  output: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * Runs the scenario unmeasured for `warmUpSeconds` (JIT, caches and connection pools settle), then measured, with
 * the CPU time of every stage process and of this bench read from /proc over the measured part only.
 */
export async function runWarmedScenario(options: WarmedRunOptions): Promise<WarmedRun> {
  const { session, scenario, fixtures, label, output, signal } = options;
  const baseUrl = options.baseUrl ?? session.baseUrl;
  output(`${options.step ?? ''}${label}: warming up for ${options.warmUpSeconds} s (not measured)...`);
  await runScenario({
    baseUrl,
    scenario,
    fixtures,
    durationSeconds: options.warmUpSeconds,
    randomSeed: 2,
    signal,
  });
  const groups = [
    ...stageCpuGroups(await stackStatus(session.stage), benchLoadGenerator),
    ...(options.extraCpuGroups ?? []),
  ];
  output(
    `${label}: ${scenario.connections} connections for ${scenario.durationSeconds} s (${scenario.model} model)...`,
  );
  const start = takeSnapshot();
  const result = await runScenario({
    baseUrl,
    scenario,
    fixtures,
    onProgress: loadProgress(`${session.label} ${label}`),
    signal,
  });
  return { result, cpu: cpuUsageBetween(start, takeSnapshot(), groups) };
}
