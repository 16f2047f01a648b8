import type { RequestTemplate, Scenario } from '@scaling/loadtests/scenarios/types';
import { type CacheCounts, countCacheOutcomes, edgeHitPercent } from '../cache-timeline.ts';
import { defineExperiment } from '../experiment.ts';
import { loadProgress } from '../live-progress.ts';
import { failedRequests } from '../load-summary.ts';
import { type OpenLoadResult, type RequestOutcome, runOpenLoad } from '../open-load.ts';
import { runScenario } from '../run-scenario.ts';
import { processCpu, requestP95, requestRate } from '../server-series.ts';
import { startCold } from '../stage-caches.ts';
import { stage3, stage4 } from './cache-replicas-columns.ts';

/** The fixed rate is this share of what the first column (stage 3) served at most. */
const shareOfSaturation = 0.5;
/** Beyond this the load generator, on the same two CPUs, would measure itself more than the stage. */
const maxRequestsPerSecond = 1_500;

export interface HotArticleSide {
  slug: string;
  /** Closed-model maximum of the first column, measured there; later columns reuse its rate. */
  saturationRequestsPerSecond: number;
  requestsPerSecond: number;
  load: OpenLoadResult;
  cache: CacheCounts;
}

/** An anonymous read of the most popular article, the same URL every time: what a page that went viral sees. */
export function hotArticleRead(slug: string): RequestTemplate {
  return {
    name: 'hot article',
    weight: 1,
    method: 'GET',
    path: `/api/articles/${encodeURIComponent(slug)}`,
    auth: 'none',
  };
}

export const hotArticleLatency = defineExperiment<HotArticleSide>({
  name: 'hot-article-latency',
  title: "Latency of a hot article read at a fixed rate below stage 3's saturation (open model)",
  description:
    "Anonymous GETs of the seed's most popular article through the front door (stage 3: nginx; stage 4: the edge, " +
    '40 ms each way from nginx). First, on stage 3, 32 connections send as fast as they are answered for a while ' +
    `(closed model) to find its saturation; then each column gets ${shareOfSaturation * 100}% of that rate ` +
    `(at most ${maxRequestsPerSecond} req/s), open model, after a short unmeasured warm-up of the same load; latency ` +
    "counts from when each request was due. The goal: stage 4's p95 at least 5 times lower.",
  scale: 1,
  serverSeries: [requestRate, requestP95, processCpu],
  columns: [stage3, stage4],
  async run({ session, seconds, output, fixtures, settings, before }) {
    await startCold(session.stage, output);
    const slug = fixtures.slugs[0] as string;
    const template = hotArticleRead(slug);
    let saturation = before?.saturationRequestsPerSecond;
    if (saturation === undefined) {
      const scenario: Scenario = {
        name: 'hot article',
        description: 'one article, anonymous, as fast as answered',
        model: 'closed',
        connections: 32,
        durationSeconds: seconds(10, 4),
        requests: [template],
      };
      output(
        `finding saturation: ${scenario.connections} connections for ${scenario.durationSeconds} s (closed model)...`,
      );
      const closed = await runScenario({
        baseUrl: session.baseUrl,
        scenario,
        fixtures,
        onProgress: loadProgress(`${session.label} saturation`),
        signal: settings.signal,
      });
      saturation = closed.requestsPerSecond;
      output(`saturation: ${Math.round(saturation)} req/s (p95 ${closed.latencyMs.p95.toFixed(1)} ms).`);
    }
    const requestsPerSecond = Math.max(
      1,
      Math.min(maxRequestsPerSecond, Math.round(saturation * shareOfSaturation)),
    );
    const open = (durationSeconds: number, label: string, onOutcome?: (outcome: RequestOutcome) => void) =>
      runOpenLoad({
        baseUrl: session.baseUrl,
        name: 'hot article',
        requests: [template],
        fixtures,
        requestsPerSecond,
        durationSeconds,
        ...(onOutcome ? { onOutcome } : {}),
        onProgress: loadProgress(`${session.label} ${label}`),
        signal: settings.signal,
      });
    await open(seconds(5, 2), 'warm-up');
    const durationSeconds = seconds(30, 10);
    output(
      `${requestsPerSecond} req/s of GET /api/articles/${slug} for ${durationSeconds} s (open model)...`,
    );
    const outcomes: RequestOutcome[] = [];
    const load = await open(durationSeconds, 'hot article', (outcome) => outcomes.push(outcome));
    output(
      `p50 ${load.latencyMs.p50.toFixed(1)} ms, p95 ${load.latencyMs.p95.toFixed(1)} ms, p99 ${load.latencyMs.p99.toFixed(1)} ms.`,
    );
    return {
      slug,
      saturationRequestsPerSecond: saturation,
      requestsPerSecond,
      load,
      cache: countCacheOutcomes(outcomes),
    };
  },
  compare(results, labels) {
    const row = (label: string, pick: (side: HotArticleSide) => number, decimals = 1) => ({
      label,
      values: results.map(pick),
      decimals,
    });
    const [baseline] = results;
    return {
      rows: [
        row('offered rate, req/s', (side) => side.requestsPerSecond, 0),
        row('p50 ms', (side) => side.load.latencyMs.p50, 2),
        row('p95 ms', (side) => side.load.latencyMs.p95, 2),
        row('p99 ms', (side) => side.load.latencyMs.p99, 2),
        row('max ms', (side) => side.load.latencyMs.max, 1),
        row('failed requests (no answer or 5xx)', (side) => failedRequests(side.load), 0),
        row('answered by the edge, %', (side) => edgeHitPercent(side.cache), 1),
        row("the load generator's send lag p99 ms", (side) => side.load.sendLagP99Ms, 2),
      ],
      panel: {
        title: 'A hot article read at a fixed rate: latency (open model)',
        unit: 'ms',
        groups: (['p50', 'p95', 'p99'] as const).map((percentile) => ({
          label: percentile,
          values: results.map((side) => side.load.latencyMs[percentile]),
        })),
      },
      details: baseline
        ? `Saturation of ${labels[0]} on this read (closed model, 32 connections): ${Math.round(baseline.saturationRequestsPerSecond)} req/s; ` +
          `every column got ${baseline.requestsPerSecond} req/s. p95 of ${labels[0]} divided by each column's: ` +
          results
            .map(
              (side, index) =>
                `${labels[index]} ${(baseline.load.latencyMs.p95 / Math.max(side.load.latencyMs.p95, 0.001)).toFixed(1)}x`,
            )
            .join(', ') +
          ' (goal: at least 5x).'
        : '',
    };
  },
});
