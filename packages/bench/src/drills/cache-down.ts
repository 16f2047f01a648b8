import { setTimeout as sleep } from 'node:timers/promises';
import { stackStartService, stackStopService } from '@scaling/stack';
import { bucketCacheOutcomes, countCacheOutcomes, renderCacheTimeline } from '../cache-timeline.ts';
import { reportDrill } from '../drill-report.ts';
import type { Drill } from '../experiment.ts';
import { runWithFault, usualFaultTiming } from '../fault-run.ts';
import { isRead } from '../keyed-writes.ts';
import type { RequestOutcome } from '../open-load.ts';
import { summarizeLatencies } from '../percentiles.ts';
import {
  cacheResultRate,
  redisCommandErrorRate,
  redisCommandP95,
  requestP95,
  serverErrorRate,
} from '../server-series.ts';
import { startCold } from '../stage-caches.ts';
import { classifyOutcome } from '../timeline.ts';
import { keyedLoad, keyedLoadRate, keyedLoadThroughEdge } from './balancer-drill.ts';

/** The app's cache client gives up after CACHE_TIMEOUT_MS and its breaker opens; a request due just before counts. */
const settleMs = 3_000;

const title = 'The cache Redis stops under load';
const description =
  `${keyedLoadThroughEdge}. ` +
  'The cache Redis is stopped for a while and started again (empty: it keeps nothing on disk). The cache is ' +
  'an optimisation, never a dependency: every read must fall back to the database within CACHE_TIMEOUT_MS, then ' +
  'skip the cache altogether while the circuit breaker is open, so no request may fail, and latency during the ' +
  'outage stays close to that of a cold cache. Afterwards the cache fills again by itself. Anonymous reads the edge ' +
  'holds never reach the app, so the figures say what reached it (X-Cache).';

export const cacheDown: Drill = {
  name: 'cache-down',
  title,
  description,
  scale: 1,
  serverSeries: [cacheResultRate, serverErrorRate, requestP95, redisCommandP95, redisCommandErrorRate],
  async run(context) {
    const { session, seconds, output } = context;
    await startCold(session.stage, output);
    const { durationSeconds, faultAtSeconds } = usualFaultTiming(seconds);
    const downSeconds = seconds(10, 5);
    output(
      `${keyedLoadRate} req/s for ${durationSeconds} s; the cache Redis stops at ${faultAtSeconds} s for ${downSeconds} s...`,
    );
    const run = await runWithFault({
      ...keyedLoad(context, 'cache-down'),
      durationSeconds,
      faultAtSeconds,
      async inject(mark) {
        mark('redis-cache stop begins');
        await stackStopService(session.stage, 'redis-cache', { output });
        mark('redis-cache stopped');
        await sleep(downSeconds * 1000);
        mark('redis-cache start begins');
        await stackStartService(session.stage, 'redis-cache', { output });
        mark('redis-cache ready');
      },
    });
    const stoppedAt = run.marks['redis-cache stopped'] ?? 0;
    const startAt = run.marks['redis-cache start begins'] ?? 0;
    const readyAt = run.marks['redis-cache ready'] ?? 0;
    const stopBegins = run.marks['redis-cache stop begins'] ?? 0;
    const phase = (from: number, to: number) =>
      run.outcomes.filter((outcome) => outcome.scheduledAtMs >= from && outcome.scheduledAtMs < to);
    const before = phase(0, stopBegins);
    const during = phase(stoppedAt, startAt);
    const after = phase(readyAt + settleMs, Number.POSITIVE_INFINITY);
    const failed = run.outcomes.filter((outcome) => classifyOutcome(outcome) === 'failed');
    const duringCache = countCacheOutcomes(during);
    const afterCache = countCacheOutcomes(after);
    return reportDrill(context, {
      title,
      description,
      run,
      facts: {
        'cache Redis away (stop begins → ready again)': `${readyAt - stopBegins} ms`,
        'p95 ms before / while down / from 3 s after it was back': [before, during, after]
          .map(p95)
          .join(' / '),
        'p99 ms before / while down / from 3 s after it was back': [before, during, after]
          .map(p99)
          .join(' / '),
        'X-Cache of what reached the app while down: hit / miss / bypass': `${duringCache.app.hit} / ${duringCache.app.miss} / ${duringCache.app.bypass}`,
        'X-Cache of what reached the app from 3 s after: hit / miss / bypass': `${afterCache.app.hit} / ${afterCache.app.miss} / ${afterCache.app.bypass}`,
        'edge hits while down': duringCache.edge.hit,
        'failed reads / failed writes (no answer or 5xx)': `${failed.filter(isRead).length} / ${failed.filter((outcome) => !isRead(outcome)).length}`,
      },
      checks: [
        {
          name: 'No request failed (no 5xx, none without an answer), the whole run',
          passed: failed.length === 0,
          detail: `${failed.length} failed of ${run.outcomes.length}.`,
        },
        {
          name: 'While the cache Redis was down, reads went to the database (bypass or miss), never an error',
          passed:
            during.length > 0 &&
            duringCache.app.bypass + duringCache.app.miss > 0 &&
            duringCache.app.hit === 0,
          detail: `${during.length} requests due while it was down; X-Cache hit ${duringCache.app.hit}, miss ${duringCache.app.miss}, bypass ${duringCache.app.bypass}.`,
        },
        {
          name: 'Once back, the cache answered again',
          passed: afterCache.app.hit > 0,
          detail: `From ${((readyAt + settleMs) / 1000).toFixed(1)} s on: X-Cache hit ${afterCache.app.hit}, miss ${afterCache.app.miss}, bypass ${afterCache.app.bypass}.`,
        },
      ],
      sections: [
        {
          title: 'Where answers came from, per second',
          body: `Answers by the second they were due: the edge's verdict, and the app's X-Cache for what the edge did not answer.\n\n${renderCacheTimeline(bucketCacheOutcomes(run.outcomes, run.load.durationSeconds))}`,
        },
      ],
    });
  },
};

function answeredLatencies(outcomes: RequestOutcome[]) {
  return summarizeLatencies(
    outcomes.filter((outcome) => outcome.status !== undefined).map((outcome) => outcome.latencyMs),
  );
}

function p95(outcomes: RequestOutcome[]): string {
  return answeredLatencies(outcomes).p95.toFixed(1);
}

function p99(outcomes: RequestOutcome[]): string {
  return answeredLatencies(outcomes).p99.toFixed(1);
}
