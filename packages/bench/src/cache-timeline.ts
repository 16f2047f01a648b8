import type { RequestOutcome } from './open-load.ts';
import { type LatencySummary, summarizeLatencies } from './percentiles.ts';
import { markdownTable } from './table.ts';

/** Where an answer came from: the edge kept it, the app's cache had it, or the database was read. */
export type EdgeVerdict = 'hit' | 'miss' | 'pass' | 'none';
export type AppVerdict = 'hit' | 'miss' | 'bypass' | 'none';

export interface CacheCounts {
  requests: number;
  edge: Record<EdgeVerdict, number>;
  /** Of the requests the edge sent on to the app. */
  app: Record<AppVerdict, number>;
}

/**
 * The edge's header as stage 4's VCL sets it: HIT, STALE (a copy served within its stale window: answered by the
 * edge too), MISS, PASS (a request with credentials, or a write), SYNTH (the edge's own error page). No header means
 * no edge.
 */
export function edgeVerdict(outcome: Pick<RequestOutcome, 'cache'>): EdgeVerdict {
  const value = outcome.cache?.edge?.toLowerCase() ?? '';
  if (value === 'hit' || value === 'stale') return 'hit';
  if (value === 'miss') return 'miss';
  if (value === 'pass') return 'pass';
  return 'none';
}

/** The app's X-Cache, which an edge hit replays from when it was stored: only an edge miss or pass tells about the app. */
export function appVerdict(outcome: Pick<RequestOutcome, 'cache'>): AppVerdict {
  if (edgeVerdict(outcome) === 'hit') return 'none';
  const value = outcome.cache?.app?.toLowerCase();
  return value === 'hit' || value === 'miss' || value === 'bypass' ? value : 'none';
}

export function emptyCacheCounts(): CacheCounts {
  return {
    requests: 0,
    edge: { hit: 0, miss: 0, pass: 0, none: 0 },
    app: { hit: 0, miss: 0, bypass: 0, none: 0 },
  };
}

/** Several windows' counts added up. */
export function mergeCacheCounts(windows: CacheCounts[]): CacheCounts {
  const total = emptyCacheCounts();
  for (const counts of windows) {
    total.requests += counts.requests;
    for (const key of Object.keys(total.edge) as EdgeVerdict[]) total.edge[key] += counts.edge[key];
    for (const key of Object.keys(total.app) as AppVerdict[]) total.app[key] += counts.app[key];
  }
  return total;
}

export function countCacheOutcomes(outcomes: RequestOutcome[]): CacheCounts {
  const counts = emptyCacheCounts();
  for (const outcome of outcomes) {
    if (outcome.status === undefined) continue;
    counts.requests++;
    counts.edge[edgeVerdict(outcome)]++;
    counts.app[appVerdict(outcome)]++;
  }
  return counts;
}

/** Share of answered requests that a cache answered, the edge or the app's, without reading the database. */
export function cachedPercent(counts: CacheCounts): number {
  return counts.requests === 0 ? 0 : (100 * (counts.edge.hit + counts.app.hit)) / counts.requests;
}

export function edgeHitPercent(counts: CacheCounts): number {
  return counts.requests === 0 ? 0 : (100 * counts.edge.hit) / counts.requests;
}

/** Of the requests that read the app's cache (hit or miss), the share it answered. */
export function appHitPercent(counts: CacheCounts): number {
  const looked = counts.app.hit + counts.app.miss;
  return looked === 0 ? 0 : (100 * counts.app.hit) / looked;
}

/** Counts per window of `seconds`, by when each request was due. */
export function bucketCacheOutcomes(
  outcomes: RequestOutcome[],
  durationSeconds: number,
  seconds = 1,
): { fromSecond: number; counts: CacheCounts }[] {
  const windows = Math.ceil(durationSeconds / seconds);
  const groups: RequestOutcome[][] = Array.from({ length: windows }, () => []);
  for (const outcome of outcomes) {
    const index = Math.min(windows - 1, Math.floor(outcome.scheduledAtMs / 1000 / seconds));
    groups[index]?.push(outcome);
  }
  return groups.map((group, index) => ({ fromSecond: index * seconds, counts: countCacheOutcomes(group) }));
}

/** Latency of the answers the edge kept against those it fetched from the origin across the added distance. */
export function latencyByEdgeVerdict(
  outcomes: RequestOutcome[],
): Record<EdgeVerdict, LatencySummary & { count: number }> {
  const verdicts: EdgeVerdict[] = ['hit', 'miss', 'pass', 'none'];
  return Object.fromEntries(
    verdicts.map((verdict) => {
      const latencies = outcomes
        .filter((outcome) => outcome.status !== undefined && edgeVerdict(outcome) === verdict)
        .map((outcome) => outcome.latencyMs);
      return [verdict, { count: latencies.length, ...summarizeLatencies(latencies) }];
    }),
  ) as Record<EdgeVerdict, LatencySummary & { count: number }>;
}

export function renderCacheTimeline(buckets: { fromSecond: number; counts: CacheCounts }[]): string {
  return markdownTable(
    [
      's',
      'answered',
      'edge hit',
      'edge miss',
      'edge pass',
      'app hit',
      'app miss',
      'app bypass',
      'from a cache %',
    ],
    buckets.map(({ fromSecond, counts }) => [
      String(fromSecond),
      String(counts.requests),
      String(counts.edge.hit),
      String(counts.edge.miss),
      String(counts.edge.pass),
      String(counts.app.hit),
      String(counts.app.miss),
      String(counts.app.bypass),
      cachedPercent(counts).toFixed(1),
    ]),
  );
}
