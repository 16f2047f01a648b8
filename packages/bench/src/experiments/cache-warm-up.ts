import {
  appHitPercent,
  bucketCacheOutcomes,
  type CacheCounts,
  cachedPercent,
  countCacheOutcomes,
  type EdgeVerdict,
  edgeHitPercent,
  latencyByEdgeVerdict,
  mergeCacheCounts,
  renderCacheTimeline,
} from '../cache-timeline.ts';
import { defineExperiment } from '../experiment.ts';
import { failedRequests } from '../load-summary.ts';
import type { OpenLoadResult, RequestOutcome } from '../open-load.ts';
import type { LatencySummary } from '../percentiles.ts';
import { cacheResultRate, redisCommandRate, requestRate } from '../server-series.ts';
import { startCold } from '../stage-caches.ts';
import { runReadHeavy } from '../steady-load.ts';
import { cacheOnly, replicasOnly, stage4 } from './cache-replicas-columns.ts';
import { mixRequestsPerSecond } from './database-statements.ts';

/** The chart's windows: one second is too noisy a bar at this rate. */
const windowSeconds = 5;

export interface CacheWarmUpSide {
  load: OpenLoadResult;
  /** Per second since the cold start. */
  timeline: { fromSecond: number; counts: CacheCounts }[];
  whole: CacheCounts;
  latencyByEdge: Record<EdgeVerdict, LatencySummary & { count: number }>;
}

export const cacheWarmUp = defineExperiment<CacheWarmUpSide>({
  name: 'cache-warm-up',
  title: 'Cache hit ratio over time from a cold start; edge hits against misses across the distance',
  description:
    `The read-heavy mix at ${mixRequestsPerSecond} req/s (open model) through the edge, starting with both caches ` +
    'empty (cache Redis flushed, Varnish restarted). Every answer says where it came from: the edge (X-Edge-Cache: ' +
    'HIT, MISS, or PASS for the requests it must not keep, those with a token) and, for what reached the app, its ' +
    'cache (X-Cache: hit, miss, bypass). "Answered by a cache" is an edge hit or an app hit: no database read. The ' +
    'edge reaches nginx through toxiproxy with 40 ms added each way, so a miss pays the distance a CDN edge has to ' +
    'the origin and a hit does not. Without the app cache (replicas only), the edge still answers anonymous reads.',
  scale: 1,
  serverSeries: [requestRate, redisCommandRate, cacheResultRate],
  columns: [replicasOnly, cacheOnly, stage4],
  async run(context) {
    const { session, seconds, output } = context;
    await startCold(session.stage, output);
    const durationSeconds = seconds(45, 15);
    output(`cold start: ${mixRequestsPerSecond} req/s for ${durationSeconds} s through the edge...`);
    const outcomes: RequestOutcome[] = [];
    const load = await runReadHeavy(context, {
      name: 'cold start',
      requestsPerSecond: mixRequestsPerSecond,
      durationSeconds,
      randomSeed: 4,
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    const side: CacheWarmUpSide = {
      load,
      timeline: bucketCacheOutcomes(outcomes, load.durationSeconds),
      whole: countCacheOutcomes(outcomes),
      latencyByEdge: latencyByEdgeVerdict(outcomes),
    };
    output(
      `answered by a cache: ${cachedPercent(side.whole).toFixed(1)}% overall, by the edge ${edgeHitPercent(side.whole).toFixed(1)}%; ` +
        `edge hit p50 ${side.latencyByEdge.hit.p50.toFixed(1)} ms, miss p50 ${side.latencyByEdge.miss.p50.toFixed(1)} ms.`,
    );
    return side;
  },
  compare(results, labels) {
    const row = (label: string, pick: (side: CacheWarmUpSide) => number | undefined, decimals = 1) => ({
      label,
      values: results.map(pick),
      decimals,
    });
    const latency = (verdict: EdgeVerdict, percentile: 'p50' | 'p95') => (side: CacheWarmUpSide) =>
      side.latencyByEdge[verdict].count === 0 ? undefined : side.latencyByEdge[verdict][percentile];
    const windows = Math.max(...results.map((side) => Math.ceil(side.timeline.length / windowSeconds)));
    return {
      rows: [
        row('answered by a cache (edge or app), first 5 s, %', (side) =>
          cachedPercent(sumWindow(side, 0, 5)),
        ),
        row('answered by a cache (edge or app), last 10 s, %', (side) =>
          cachedPercent(sumWindow(side, side.timeline.length - 10, side.timeline.length)),
        ),
        row('answered by a cache (edge or app), whole run, %', (side) => cachedPercent(side.whole)),
        row('edge hit ratio, whole run, %', (side) => edgeHitPercent(side.whole)),
        row('app cache hit ratio (of the reads that looked it up), %', (side) => appHitPercent(side.whole)),
        row('edge hits: p50 ms', latency('hit', 'p50')),
        row('edge hits: p95 ms', latency('hit', 'p95')),
        row('edge misses (fetched across 2 × 40 ms): p50 ms', latency('miss', 'p50')),
        row('edge misses: p95 ms', latency('miss', 'p95')),
        row('edge passes (with a token): p50 ms', latency('pass', 'p50')),
        row('edge passes: p95 ms', latency('pass', 'p95')),
        row('failed requests (no answer or 5xx)', (side) => failedRequests(side.load), 0),
      ],
      panel: {
        title: `Requests answered by a cache (edge or app) per ${windowSeconds} s from a cold start`,
        unit: '%',
        groups: Array.from({ length: windows }, (_, index) => ({
          label: `${index * windowSeconds}-${(index + 1) * windowSeconds} s`,
          values: results.map((side) =>
            index * windowSeconds < side.timeline.length
              ? cachedPercent(sumWindow(side, index * windowSeconds, (index + 1) * windowSeconds))
              : undefined,
          ),
        })),
      },
      details: results
        .flatMap((side, index) => [
          `${labels[index]}: answers per second from the cold start, by where they came from (edge: X-Edge-Cache; app: X-Cache of what the edge did not answer)`,
          '',
          renderCacheTimeline(side.timeline),
          '',
        ])
        .join('\n'),
    };
  },
});

/** The counts of seconds [from, to) added up. */
function sumWindow(side: CacheWarmUpSide, from: number, to: number): CacheCounts {
  return mergeCacheCounts(side.timeline.slice(Math.max(0, from), to).map((second) => second.counts));
}
