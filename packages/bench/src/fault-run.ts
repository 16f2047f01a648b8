import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestTemplate } from '@scaling/loadtests/scenarios/types';
import { loadProgress } from './live-progress.ts';
import type { Fixtures, MixOptions, ResolvedRequest } from './mix.ts';
import { type OpenLoadResult, type RequestOutcome, runOpenLoad } from './open-load.ts';
import { bucketTimeline, type OutageWindow, outageWindow, type TimelineBucket } from './timeline.ts';

export interface FaultRunOptions {
  label: string;
  baseUrl: string;
  requests: RequestTemplate[];
  fixtures: Fixtures;
  requestsPerSecond: number;
  durationSeconds: number;
  /** Idempotency keys on the writes sent with POST. */
  mix?: MixOptions;
  /** Where each request comes from instead of the mix, e.g. planned writes (see `runOpenLoad`). */
  source?: () => ResolvedRequest;
  /** A request without an answer after this long has failed (5 s unless given). */
  timeoutMs?: number;
  /** When the fault is injected, in seconds after the load starts. */
  faultAtSeconds: number;
  /**
   * Injects the fault; `mark` records named moments (e.g. "SIGKILL sent", "ready again") on the load's clock and
   * returns the moment; `now` reads that clock. Its errors are reported after the load ends, so the load always
   * runs its full course.
   */
  inject: (mark: (label: string) => number, now: () => number) => Promise<void>;
  signal?: AbortSignal;
}

export interface FaultRun {
  load: OpenLoadResult;
  /** Named moments, in ms since the load started. */
  marks: Record<string, number>;
  timeline: TimelineBucket[];
  /** From the first to the last failed request (no answer or 5xx) of the whole run. */
  outage: OutageWindow | null;
  outcomes: RequestOutcome[];
}

/** The usual course of a fault run: 40 s of load with the fault at 10 s (20 s and 5 s for a quick run). */
export function usualFaultTiming(seconds: (full: number, quick: number) => number): {
  durationSeconds: number;
  faultAtSeconds: number;
} {
  return { durationSeconds: seconds(40, 20), faultAtSeconds: seconds(10, 5) };
}

/** Steady open-model load with a fault injected at a known moment, recorded request by request. */
export async function runWithFault(options: FaultRunOptions): Promise<FaultRun> {
  const outcomes: RequestOutcome[] = [];
  const marks: Record<string, number> = {};
  const startedAt = performance.now();
  const now = () => performance.now() - startedAt;
  const mark = (label: string) => {
    marks[label] = Math.round(now());
    return marks[label];
  };
  const loading = runOpenLoad({
    baseUrl: options.baseUrl,
    name: options.label,
    requests: options.requests,
    fixtures: options.fixtures,
    requestsPerSecond: options.requestsPerSecond,
    durationSeconds: options.durationSeconds,
    // A request held across a restart should fail or succeed, not hang past the end of the run.
    timeoutMs: options.timeoutMs ?? 5_000,
    ...(options.mix ? { mix: options.mix } : {}),
    ...(options.source ? { source: options.source } : {}),
    onOutcome: (outcome) => outcomes.push(outcome),
    onProgress: loadProgress(options.label),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const injecting = (async () => {
    await sleep(options.faultAtSeconds * 1000);
    await options.inject(mark, now);
  })().then(
    () => undefined,
    (error: Error) => error,
  );
  const [load, failure] = await Promise.all([loading, injecting]);
  if (failure) throw failure;
  return {
    load,
    marks,
    timeline: bucketTimeline(outcomes, load.durationSeconds),
    // Over the whole run: a failure before the fault is part of the story too.
    outage: outageWindow(outcomes),
    outcomes,
  };
}
