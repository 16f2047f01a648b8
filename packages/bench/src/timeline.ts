import type { RequestOutcome } from './open-load.ts';

export interface TimelineBucket {
  /** Seconds since the load started: this bucket holds the requests due in [second, second + 1). */
  second: number;
  /** Answered with 2xx or 3xx. */
  ok: number;
  /** No answer, or a 5xx: what a user sees as the site being down. */
  failed: number;
  /** 401: the token was not recognised (e.g. a session lost with its process). */
  unauthorized: number;
  /** Any other 4xx. */
  otherClientErrors: number;
}

export interface OutageWindow {
  /** When the first failed request was due, in ms since the load started. */
  startMs: number;
  /** When the last failed request ended. */
  endMs: number;
  durationMs: number;
  failed: number;
}

export type OutcomeClass = 'ok' | 'failed' | 'unauthorized' | 'otherClientErrors';

export function classifyOutcome(outcome: Pick<RequestOutcome, 'status'>): OutcomeClass {
  const { status } = outcome;
  if (status === undefined || status >= 500) return 'failed';
  if (status === 401) return 'unauthorized';
  if (status >= 400) return 'otherClientErrors';
  return 'ok';
}

/** Per-second counts by when each request was due, with an empty bucket for every quiet second. */
export function bucketTimeline(outcomes: RequestOutcome[], durationSeconds: number): TimelineBucket[] {
  let seconds = Math.ceil(durationSeconds);
  for (const outcome of outcomes) seconds = Math.max(seconds, Math.floor(outcome.scheduledAtMs / 1000) + 1);
  const buckets: TimelineBucket[] = Array.from({ length: seconds }, (_, second) => ({
    second,
    ok: 0,
    failed: 0,
    unauthorized: 0,
    otherClientErrors: 0,
  }));
  for (const outcome of outcomes) {
    const bucket = buckets[Math.floor(outcome.scheduledAtMs / 1000)] as TimelineBucket;
    bucket[classifyOutcome(outcome)]++;
  }
  return buckets;
}

/** From the first failed request due at or after `fromMs` to the end of the last one; null when none failed. */
export function outageWindow(outcomes: RequestOutcome[], fromMs = 0): OutageWindow | null {
  const failures = outcomes.filter(
    (outcome) => outcome.scheduledAtMs >= fromMs && classifyOutcome(outcome) === 'failed',
  );
  if (failures.length === 0) return null;
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = 0;
  for (const failure of failures) {
    startMs = Math.min(startMs, failure.scheduledAtMs);
    endMs = Math.max(endMs, failure.scheduledAtMs + failure.latencyMs);
  }
  return { startMs, endMs, durationMs: endMs - startMs, failed: failures.length };
}

/** One row per second, e.g. for a drill's Markdown report: `12 s  ok 148  failed 2  401 0  4xx 0`. */
export function renderTimeline(buckets: TimelineBucket[], marks: Record<number, string> = {}): string {
  const header = '| s | ok | failed | 401 | other 4xx | |';
  const rule = '|--:|---:|---:|---:|---:|:--|';
  const rows = buckets.map(
    (bucket) =>
      `| ${bucket.second} | ${bucket.ok} | ${bucket.failed} | ${bucket.unauthorized} | ${bucket.otherClientErrors} | ${marks[bucket.second] ?? ''} |`,
  );
  return [header, rule, ...rows].join('\n');
}
