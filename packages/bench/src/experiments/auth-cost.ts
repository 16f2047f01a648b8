import type { RequestTemplate, Scenario } from '@scaling/loadtests/scenarios/types';
import { stackStatus } from '@scaling/stack';
import { cpuUsageBetween, stageCpuGroups, takeSnapshot } from '../cpu-usage.ts';
import { beforeAndAfter, defineExperiment } from '../experiment.ts';
import { loadProgress } from '../live-progress.ts';
import { failedRequests } from '../load-summary.ts';
import { type OpenLoadResult, runOpenLoad } from '../open-load.ts';
import { processCpu, redisCommandRate, requestRate } from '../server-series.ts';
import { startCold } from '../stage-caches.ts';
import { appInstances } from '../stage-services.ts';
import { benchLoadGenerator, runWarmedScenario } from '../warmed-run.ts';
import { jwtTokens, redisSessions } from './autoscaling-jwt-columns.ts';

/** Reads that only a signed-in user makes: the token is checked on every one. */
export const authenticatedReads: RequestTemplate[] = [
  { name: 'current user', weight: 1, method: 'GET', path: '/api/user', auth: 'required' },
  { name: 'article, signed in', weight: 1, method: 'GET', path: '/api/articles/{slug}', auth: 'required' },
];

const connections = 32;
/**
 * The open-model rate, as a share of what the first column (JWT) carries closed-model: below its quota, so latency
 * shows what a request costs rather than how the kernel throttles a replica at its quota (a trial at 60% ran at it).
 */
const openShareOfSaturation = 0.4;

export interface AuthCostSide {
  replica: string;
  /** Closed model: as many as one replica answers. */
  saturation: { requestsPerSecond: number; replicaCpuPercent: number; non2xx: number };
  /** Open model at the same rate on every column. */
  openRate: number;
  open: OpenLoadResult;
  /** The replica's CPU during the open-model run, % of one CPU, and per request answered. */
  openReplicaCpuPercent: number;
  cpuMsPerRequest: number;
  /** The session Redis (service `redis`), % of one CPU: each lookup costs there too, outside the replica. */
  openSessionRedisCpuPercent: number;
}

export const authCost = defineExperiment<AuthCostSide>({
  name: 'auth-cost',
  title: 'Authenticated reads: JWT access tokens against Redis sessions, on one replica',
  description:
    'Signed-in reads only (GET /api/user and GET /api/articles/{slug} with a token, half each) sent straight to ' +
    "one app replica's own port, held to its CPU quota: no edge, no nginx, and the autoscaler, which averages over " +
    `every replica, has no reason to act. First closed model (${connections} connections, after a warm-up): what the ` +
    `replica answers at most, both columns from an empty cache. Then open model at ${Math.round(openShareOfSaturation * 100)}% of what it answered with ` +
    'JWTs, the same rate on both columns: latency, and the CPU the replica spent per request (from /proc). With JWTs ' +
    'a token is checked by a signature over its claims (EdDSA) in the process; with Redis sessions (stage 4, the ' +
    '`sessions` variant) by a round trip to the session Redis.',
  scale: 1,
  serverSeries: [requestRate, processCpu, redisCommandRate],
  columns: [jwtTokens, redisSessions],
  async run(context) {
    const { session, fixtures, seconds, output, settings } = context;
    const [replica] = appInstances(session.stage);
    if (!replica) throw new Error(`Stage ${session.stage} runs no app replica.`);
    // Both columns start from the same empty cache: an earlier experiment's reads must not favour one.
    await startCold(session.stage, output);
    const scenario: Scenario = {
      name: 'authenticated reads',
      description: 'signed-in reads only',
      model: 'closed',
      connections,
      durationSeconds: seconds(15, 5),
      requests: authenticatedReads,
    };
    const saturation = await runWarmedScenario({
      session,
      scenario,
      fixtures,
      warmUpSeconds: seconds(10, 3),
      label: `${replica.name} saturated`,
      baseUrl: replica.url,
      output,
      signal: settings.signal,
    });
    const saturatedRate = saturation.result.requestsPerSecond;
    output(`${Math.round(saturatedRate)} req/s at ${saturation.cpu.groups[replica.name] ?? 0}% of one CPU.`);

    const openRate =
      context.before?.openRate ?? Math.max(1, Math.round(saturatedRate * openShareOfSaturation));
    const durationSeconds = seconds(20, 8);
    output(`open model: ${openRate} req/s for ${durationSeconds} s to ${replica.name}...`);
    const groups = stageCpuGroups(await stackStatus(session.stage), benchLoadGenerator);
    const start = takeSnapshot();
    const open = await runOpenLoad({
      baseUrl: replica.url,
      name: 'authenticated reads',
      requests: authenticatedReads,
      fixtures,
      requestsPerSecond: openRate,
      durationSeconds,
      randomSeed: 6,
      timeoutMs: 5_000,
      onProgress: loadProgress(`${session.label} authenticated reads`),
      signal: settings.signal,
    });
    const cpu = cpuUsageBetween(start, takeSnapshot(), groups);
    const openReplicaCpuPercent = cpu.groups[replica.name] ?? 0;
    const cpuMsPerRequest =
      open.requests > 0 ? (openReplicaCpuPercent * 10 * cpu.seconds) / open.requests : 0;
    output(
      `p99 ${open.latencyMs.p99.toFixed(1)} ms, ${openReplicaCpuPercent}% of one CPU, ${cpuMsPerRequest.toFixed(2)} CPU ms per request.`,
    );
    const openSessionRedisCpuPercent = cpu.groups.redis ?? 0;
    return {
      replica: replica.name,
      saturation: {
        requestsPerSecond: saturatedRate,
        replicaCpuPercent: saturation.cpu.groups[replica.name] ?? 0,
        non2xx: saturation.result.non2xx,
      },
      openRate,
      open,
      openReplicaCpuPercent,
      cpuMsPerRequest,
      openSessionRedisCpuPercent,
    };
  },
  compare(results) {
    const [jwt, sessions] = beforeAndAfter(results);
    const row = (label: string, pick: (side: AuthCostSide) => number, decimals = 1) => ({
      label,
      values: [pick(jwt), pick(sessions)],
      decimals,
    });
    return {
      rows: [
        row('closed model: req/s one replica answers', (side) => side.saturation.requestsPerSecond, 0),
        row('closed model: replica CPU, % of one CPU', (side) => side.saturation.replicaCpuPercent),
        row('closed model: non-2xx answers', (side) => side.saturation.non2xx, 0),
        row('open model: offered req/s', (side) => side.openRate, 0),
        row('open model: answered req/s', (side) => side.open.requestsPerSecond, 0),
        row('open model: p50 ms', (side) => side.open.latencyMs.p50),
        row('open model: p95 ms', (side) => side.open.latencyMs.p95),
        row('open model: p99 ms', (side) => side.open.latencyMs.p99),
        row('open model: failed requests (no answer or 5xx)', (side) => failedRequests(side.open), 0),
        row('open model: non-2xx answers', (side) => side.open.non2xx, 0),
        row('open model: replica CPU, % of one CPU', (side) => side.openReplicaCpuPercent),
        row('open model: replica CPU per request, ms', (side) => side.cpuMsPerRequest, 2),
        row('open model: session Redis CPU, % of one CPU', (side) => side.openSessionRedisCpuPercent),
      ],
      panel: {
        title: `Signed-in reads on one replica, open model at ${jwt.openRate} req/s: latency`,
        unit: 'ms',
        groups: (['p50', 'p95', 'p99'] as const).map((percentile) => ({
          label: percentile,
          values: results.map((side) => side.open.latencyMs[percentile]),
        })),
      },
      morePanels: [
        {
          title: 'Signed-in reads: what one replica answers at most (closed model)',
          unit: 'req/s',
          groups: [{ label: 'req/s', values: results.map((side) => side.saturation.requestsPerSecond) }],
        },
      ],
    };
  },
});
