import {
  classifyOutcome,
  type FaultRun,
  type RequestOutcome,
  runWithFault,
  summarizeLatencies,
} from '@scaling/bench';
import { readHeavy } from '@scaling/loadtests/scenarios/read-heavy';
import { makeApiFixtures } from './api-fixtures.ts';

/** The reads of the browsing mix: what every visitor does, and what must survive a fault. */
const reads = readHeavy.requests.filter((request) => request.method === 'GET');

export interface ReadLoadReport {
  run: FaultRun;
  failed: RequestOutcome[];
  p95Ms: number;
  summary: string;
}

/** No answer or a 5xx, as every bench report counts it. */
export function isFailure(outcome: RequestOutcome): boolean {
  return classifyOutcome(outcome) === 'failed';
}

/**
 * Steady GET load through the published port with a fault injected at a known moment: the drills of
 * packages/bench, aimed at containers instead of native processes.
 */
export async function readLoadWithFault(options: {
  origin: string;
  label: string;
  requestsPerSecond: number;
  durationSeconds: number;
  faultAtSeconds: number;
  inject: (mark: (label: string) => number) => Promise<void>;
}): Promise<ReadLoadReport> {
  const fixtures = await makeApiFixtures(options.origin);
  const run = await runWithFault({
    label: options.label,
    baseUrl: options.origin,
    requests: reads,
    fixtures,
    requestsPerSecond: options.requestsPerSecond,
    durationSeconds: options.durationSeconds,
    faultAtSeconds: options.faultAtSeconds,
    inject: (mark) => options.inject(mark),
  });
  const failed = run.outcomes.filter(isFailure);
  const due = failed.map((outcome) => outcome.scheduledAtMs);
  const p95Ms = Math.round(summarizeLatencies(run.outcomes.map((outcome) => outcome.latencyMs)).p95);
  const marks = Object.entries(run.marks)
    .map(([name, at]) => `${name} at ${(at / 1000).toFixed(1)} s`)
    .join(', ');
  const window =
    due.length > 0
      ? ` (due ${(Math.min(...due) / 1000).toFixed(1)}-${(Math.max(...due) / 1000).toFixed(1)} s)`
      : '';
  return {
    run,
    failed,
    p95Ms,
    summary:
      `${run.outcomes.length} GETs at ${options.requestsPerSecond}/s for ${options.durationSeconds} s: ` +
      `${failed.length} failed${window}, p95 ${p95Ms} ms; ${marks}`,
  };
}
