import type { RequestOutcome } from './open-load.ts';
import { type LatencySummary, summarizeLatencies } from './percentiles.ts';
import { classifyOutcome } from './timeline.ts';

/** The requests due in [fromSecond, fromSecond + seconds): how many, how many failed, and their latency. */
export interface LatencyWindow {
  fromSecond: number;
  seconds: number;
  requests: number;
  /** No answer or a 5xx. */
  failed: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/**
 * Latency per window of `seconds`, by when each request was due. A failed request counts at least `failedAsMs` (the
 * load's timeout): a window where many requests got no answer must not look fast because only the quick ones answered.
 */
export function latencyWindows(
  outcomes: RequestOutcome[],
  durationSeconds: number,
  seconds: number,
  failedAsMs: number,
  isFailed: (outcome: RequestOutcome) => boolean = isFailedRequest,
): LatencyWindow[] {
  const count = Math.max(1, Math.ceil(durationSeconds / seconds));
  const groups: RequestOutcome[][] = Array.from({ length: count }, () => []);
  for (const outcome of outcomes) {
    groups[Math.min(count - 1, Math.floor(outcome.scheduledAtMs / 1000 / seconds))]?.push(outcome);
  }
  return groups.map((group, index) => {
    const failed = group.filter(isFailed);
    const latency = latencyCountingFailures(group, failedAsMs, isFailed);
    return {
      fromSecond: index * seconds,
      seconds,
      requests: group.length,
      failed: failed.length,
      p50Ms: latency.p50,
      p95Ms: latency.p95,
      p99Ms: latency.p99,
    };
  });
}

/**
 * How long after `fromSecond` the p95 was back under `targetMs` for good, up to `untilSecond`: the end of the last
 * window above it, measured from `fromSecond`. 0 when no window was above it; null when the last window still was.
 */
export function secondsUntilUnderTarget(
  windows: LatencyWindow[],
  fromSecond: number,
  untilSecond: number,
  targetMs: number,
): number | null {
  const inRange = windows.filter(
    (window) => window.fromSecond + window.seconds > fromSecond && window.fromSecond < untilSecond,
  );
  const above = inRange.filter((window) => window.p95Ms > targetMs);
  const last = above.at(-1);
  if (!last) return 0;
  if (last === inRange.at(-1)) return null;
  return last.fromSecond + last.seconds - fromSecond;
}

/** Latency of every request in `outcomes`, a failed one counted as at least `failedAsMs`. */
export function latencyCountingFailures(
  outcomes: RequestOutcome[],
  failedAsMs: number,
  isFailed: (outcome: RequestOutcome) => boolean = isFailedRequest,
): LatencySummary {
  return summarizeLatencies(
    outcomes.map((outcome) =>
      isFailed(outcome) ? Math.max(outcome.latencyMs, failedAsMs) : outcome.latencyMs,
    ),
  );
}

/** No answer or a 5xx: what a user sees as the site being down. */
export function isFailedRequest(outcome: RequestOutcome): boolean {
  return classifyOutcome(outcome) === 'failed';
}
