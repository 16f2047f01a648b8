import type { RequestOutcome } from './open-load.ts';
import { markdownTable } from './table.ts';

/** What a request's answer says, finer than ok / failed: a 503 "store unavailable" is not a 500 bug. */
export type StatusClass = 'ok' | '401' | 'other 4xx' | '503' | 'other 5xx' | 'no answer';

export const statusClasses: StatusClass[] = ['ok', '401', 'other 4xx', '503', 'other 5xx', 'no answer'];

export function statusClass(outcome: Pick<RequestOutcome, 'status'>): StatusClass {
  const { status } = outcome;
  if (status === undefined) return 'no answer';
  if (status === 503) return '503';
  if (status >= 500) return 'other 5xx';
  if (status === 401) return '401';
  if (status >= 400) return 'other 4xx';
  return 'ok';
}

/** The request carried a session token. */
export function isAuthenticated(outcome: Pick<RequestOutcome, 'request'>): boolean {
  return outcome.request.headers.authorization !== undefined;
}

export type ClassCounts = Record<StatusClass, number>;

export interface ClassBucket {
  /** Seconds since the load started: the requests due in [second, second + 1). */
  second: number;
  anonymous: ClassCounts;
  authenticated: ClassCounts;
}

export function emptyClassCounts(): ClassCounts {
  return { ok: 0, '401': 0, 'other 4xx': 0, '503': 0, 'other 5xx': 0, 'no answer': 0 };
}

/** How many requests the counts hold, whatever their class. */
export function sumClasses(counts: ClassCounts): number {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}

/** The classes that occurred, on one line: `812 ok, 95 503`, or `none`. */
export function describeClasses(counts: ClassCounts): string {
  const parts = statusClasses.filter((name) => counts[name] > 0).map((name) => `${counts[name]} ${name}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** Counts outcomes by status class, anonymous and authenticated apart. */
export function countByClass(outcomes: RequestOutcome[]): {
  anonymous: ClassCounts;
  authenticated: ClassCounts;
} {
  const counts = { anonymous: emptyClassCounts(), authenticated: emptyClassCounts() };
  for (const outcome of outcomes) {
    counts[isAuthenticated(outcome) ? 'authenticated' : 'anonymous'][statusClass(outcome)]++;
  }
  return counts;
}

/** Per second (by when each request was due), status classes of anonymous and authenticated requests. */
export function bucketByClass(outcomes: RequestOutcome[], durationSeconds: number): ClassBucket[] {
  const bySecond = groupBySecond(outcomes, durationSeconds);
  return bySecond.map((group, second) => ({ second, ...countByClass(group) }));
}

/** Per second, how many requests each replica answered (X-Served-By); requests nobody answered are left out. */
export function bucketByReplica(
  outcomes: RequestOutcome[],
  durationSeconds: number,
): { second: number; replicas: Record<string, number> }[] {
  return groupBySecond(outcomes, durationSeconds).map((group, second) => {
    const replicas: Record<string, number> = {};
    for (const outcome of group) {
      if (outcome.servedBy !== undefined) replicas[outcome.servedBy] = (replicas[outcome.servedBy] ?? 0) + 1;
    }
    return { second, replicas };
  });
}

/** The outcomes by the second they were due, with an empty group for every quiet second. */
export function groupBySecond(outcomes: RequestOutcome[], durationSeconds: number): RequestOutcome[][] {
  let seconds = Math.ceil(durationSeconds);
  for (const outcome of outcomes) seconds = Math.max(seconds, Math.floor(outcome.scheduledAtMs / 1000) + 1);
  const groups: RequestOutcome[][] = Array.from({ length: seconds }, () => []);
  for (const outcome of outcomes) groups[Math.floor(outcome.scheduledAtMs / 1000)]?.push(outcome);
  return groups;
}

/** A Markdown table, one row per second: the classes of anonymous, then of authenticated requests, and the marks. */
export function renderClassTimeline(buckets: ClassBucket[], marks: Record<number, string> = {}): string {
  const shown = (side: 'anonymous' | 'authenticated') =>
    statusClasses.filter((name) => buckets.some((bucket) => bucket[side][name] > 0) || name === 'ok');
  const anonymous = shown('anonymous');
  const authenticated = shown('authenticated');
  return markdownTable(
    [
      's',
      ...anonymous.map((name) => `anonymous ${name}`),
      ...authenticated.map((name) => `with token ${name}`),
      'events',
    ],
    buckets.map((bucket) => [
      String(bucket.second),
      ...anonymous.map((name) => String(bucket.anonymous[name])),
      ...authenticated.map((name) => String(bucket.authenticated[name])),
      marks[bucket.second] ?? '',
    ]),
  );
}

/** A Markdown table, one row per second: requests answered by each replica, and the marks. */
export function renderReplicaTimeline(
  buckets: { second: number; replicas: Record<string, number> }[],
  marks: Record<number, string> = {},
): string {
  const replicas = [...new Set(buckets.flatMap((bucket) => Object.keys(bucket.replicas)))].sort();
  return markdownTable(
    ['s', ...replicas, 'events'],
    buckets.map((bucket) => [
      String(bucket.second),
      ...replicas.map((replica) => String(bucket.replicas[replica] ?? 0)),
      marks[bucket.second] ?? '',
    ]),
  );
}
