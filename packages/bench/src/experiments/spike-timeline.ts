import {
  type LatencyWindow,
  latencyCountingFailures,
  latencyWindows,
  secondsUntilUnderTarget,
} from '../latency-windows.ts';
import type { RequestOutcome } from '../open-load.ts';
import type { PrometheusSample } from '../prometheus-sampler.ts';
import { classifyOutcome } from '../timeline.ts';

/**
 * A request the stage did not serve: no answer, a 5xx, or a 429 (nginx refuses connections past its per-address
 * limit, and the load generator is one address): under a spike a refusal is as much a lost request as a timeout.
 */
export function isNotServed(outcome: RequestOutcome): boolean {
  return classifyOutcome(outcome) === 'failed' || outcome.status === 429;
}

/** What the bench asks the stage's Prometheus every couple of seconds during the spike. */
export const spikeQueries = [
  { name: 'replicas', query: 'max(autoscaler_replicas{service="app"})' },
  { name: 'desired', query: 'max(autoscaler_desired_replicas{service="app"})' },
  { name: 'utilization', query: 'max(autoscaler_cpu_utilization{service="app"})' },
  // What Prometheus scrapes: a replica serving, whether or not the autoscaler's own gauge is there.
  { name: 'serving', query: 'count(up{job="app"} == 1)' },
  { name: 'rss', query: 'max by (instance) (process_resident_memory_bytes{job="app"})', by: 'instance' },
];

/** The autoscaler's view at one moment of the run. */
export interface ReplicaSample {
  second: number;
  replicas: number | undefined;
  desired: number | undefined;
  utilization: number | undefined;
  serving: number | undefined;
  /** The largest resident memory of an app replica then, bytes. */
  largestRssBytes: number | undefined;
}

export function replicaSamples(samples: PrometheusSample[]): ReplicaSample[] {
  const single = (sample: PrometheusSample, name: string) => sample.values[name]?.[''];
  return samples.map((sample) => {
    const rss = Object.values(sample.values.rss ?? {});
    return {
      second: sample.atMs / 1000,
      replicas: single(sample, 'replicas'),
      desired: single(sample, 'desired'),
      utilization: single(sample, 'utilization'),
      serving: single(sample, 'serving'),
      largestRssBytes: rss.length > 0 ? Math.max(...rss) : undefined,
    };
  });
}

/** Each replica's highest resident memory over the run, bytes. */
export function largestRssByReplica(samples: PrometheusSample[]): Record<string, number> {
  const largest: Record<string, number> = {};
  for (const sample of samples) {
    for (const [instance, bytes] of Object.entries(sample.values.rss ?? {})) {
      largest[instance] = Math.max(largest[instance] ?? 0, bytes);
    }
  }
  return largest;
}

/** The replicas running: the autoscaler's gauge, else the app targets Prometheus scrapes. */
export function replicasAt(sample: ReplicaSample): number | undefined {
  return sample.replicas ?? sample.serving;
}

/** Where the spike's phases begin, in seconds since the load started. */
export interface SpikeMoments {
  spikeAt: number;
  holdEnd: number;
  /** The rate starts coming back down. */
  downAt: number;
  /** The rate is back at the low one. */
  lowAgainAt: number;
}

export interface SpikeFigures {
  windows: LatencyWindow[];
  /** Longer windows, for the chart. */
  chartWindows: LatencyWindow[];
  targetMs: number;
  p95BeforeSpikeMs: number;
  p95HoldMs: number;
  p99HoldMs: number;
  worstWindowP95Ms: number;
  /** From the spike's start to the p95 under the target for the rest of the hold; null when it never was. */
  secondsToTarget: number | null;
  /** Requests not served (`isNotServed`), by phase. */
  failedBeforeSpike: number;
  failedSpikeAndHold: number;
  /** Of those, refused with 429. */
  refusedSpikeAndHold: number;
  /** While the rate came down: the overload's queue draining. */
  failedComingDown: number;
  /** From the rate back at the low one to the end: the scale-in, with replicas drained and stopped. */
  failedScaleIn: number;
  mostReplicas: number | undefined;
  mostWanted: number | undefined;
  /** From the rate coming down to the first sample at the minimum again; null when it never got there. */
  secondsBackToMinimum: number | null;
}

export function spikeFigures(options: {
  outcomes: RequestOutcome[];
  durationSeconds: number;
  samples: ReplicaSample[];
  moments: SpikeMoments;
  windowSeconds: number;
  chartWindowSeconds: number;
  targetMs: number;
  failedAsMs: number;
  minReplicas: number;
}): SpikeFigures {
  const { outcomes, moments, samples } = options;
  const windows = latencyWindows(
    outcomes,
    options.durationSeconds,
    options.windowSeconds,
    options.failedAsMs,
  );
  const due = (from: number, to: number) =>
    outcomes.filter((outcome) => outcome.scheduledAtMs >= from * 1000 && outcome.scheduledAtMs < to * 1000);
  const failed = (group: RequestOutcome[]) => group.filter(isNotServed).length;
  const hold = latencyCountingFailures(
    due(moments.spikeAt, moments.holdEnd),
    options.failedAsMs,
    isNotServed,
  );
  const before = latencyCountingFailures(due(0, moments.spikeAt), options.failedAsMs, isNotServed);
  const afterSpike = windows.filter(
    (window) => window.fromSecond >= moments.spikeAt && window.fromSecond < moments.holdEnd,
  );
  const replicaCounts = samples.map(replicasAt).filter((count) => count !== undefined);
  const wanted = samples.map((sample) => sample.desired).filter((count) => count !== undefined);
  const backAtMinimum = samples.find((sample) => {
    const count = replicasAt(sample);
    return sample.second >= moments.downAt && count !== undefined && count <= options.minReplicas;
  });
  return {
    windows,
    chartWindows: latencyWindows(
      outcomes,
      options.durationSeconds,
      options.chartWindowSeconds,
      options.failedAsMs,
    ),
    targetMs: options.targetMs,
    p95BeforeSpikeMs: before.p95,
    p95HoldMs: hold.p95,
    p99HoldMs: hold.p99,
    worstWindowP95Ms: Math.max(0, ...afterSpike.map((window) => window.p95Ms)),
    secondsToTarget: secondsUntilUnderTarget(windows, moments.spikeAt, moments.holdEnd, options.targetMs),
    failedBeforeSpike: failed(due(0, moments.spikeAt)),
    failedSpikeAndHold: failed(due(moments.spikeAt, moments.downAt)),
    refusedSpikeAndHold: due(moments.spikeAt, moments.downAt).filter((outcome) => outcome.status === 429)
      .length,
    failedComingDown: failed(due(moments.downAt, moments.lowAgainAt)),
    failedScaleIn: failed(due(moments.lowAgainAt, Number.POSITIVE_INFINITY)),
    mostReplicas: replicaCounts.length > 0 ? Math.max(...replicaCounts) : undefined,
    mostWanted: wanted.length > 0 ? Math.max(...wanted) : undefined,
    secondsBackToMinimum: backAtMinimum ? backAtMinimum.second - moments.downAt : null,
  };
}
