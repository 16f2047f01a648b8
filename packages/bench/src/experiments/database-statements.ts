import { readHeavy } from '@scaling/loadtests/scenarios/read-heavy';
import { type CacheCounts, cachedPercent, countCacheOutcomes, edgeHitPercent } from '../cache-timeline.ts';
import { defineExperiment } from '../experiment.ts';
import { failedRequests } from '../load-summary.ts';
import type { OpenLoadResult, RequestOutcome } from '../open-load.ts';
import { type LagSummary, sampleReplicationLag, summarizeLag, waitForReplicas } from '../replication.ts';
import {
  cacheResultRate,
  databaseReadRate,
  postgresTransactionRate,
  processCpu,
  redisCommandRate,
  replicaLagSeconds,
  requestP95,
  requestRate,
} from '../server-series.ts';
import { startCold } from '../stage-caches.ts';
import { appRole, databaseServers } from '../stage-services.ts';
import {
  appStatements,
  readStatements,
  resetStatements,
  type ServerStatements,
} from '../statement-counts.ts';
import { runReadHeavy } from '../steady-load.ts';
import { markdownTable } from '../table.ts';
import { allColumns } from './cache-replicas-columns.ts';

/** A steady browsing load well under stage 3's saturation (about 500 req/s on this machine, closed model). */
export const mixRequestsPerSecond = 150;

export interface DatabaseStatementsSide {
  requestsPerSecond: number;
  load: OpenLoadResult;
  /** Per Postgres server, what the app's role ran during the measured run. */
  statements: ServerStatements[];
  cache: CacheCounts;
  /** pg_stat_replication on the primary, every 100 ms of the measured run; undefined without replicas. */
  lag: LagSummary | undefined;
}

const description =
  `The read-heavy mix (${readHeavy.requests.length} kinds of request, about one write in ten, Zipf-skewed towards ` +
  `popular articles) at ${mixRequestsPerSecond} req/s, open model, through the front door (stage 3: nginx; stage 4: ` +
  'the edge cache). Each column starts cold (cache Redis flushed, Varnish restarted, replicas caught up with the ' +
  'seed), is warmed up by the same load (not measured), then pg_stat_statements is reset on the primary and on ' +
  "every replica and the measured run counts each statement the app's role ran, summed per server and divided by " +
  "the requests answered. The app's statements include what stage 4's design adds: the LSN polls of the replica set " +
  '(pg_last_wal_replay_lsn on each replica, pg_current_wal_lsn on the primary after each write), shown apart as ' +
  "replication bookkeeping, and the worker's polls of its job queue, which stage 3 pays too. Statements of other " +
  "roles (the Postgres exporter, the bench's own) are left out. Replication lag is the primary's own measure " +
  '(pg_stat_replication.replay_lag, sampled every 100 ms during the measured run; a null value, a replica caught up ' +
  'with nothing pending, counts as 0).';

export const databaseStatements = defineExperiment<DatabaseStatementsSide>({
  name: 'database-statements',
  title: 'Database statements per request on the read-heavy mix, on the primary and in total',
  description,
  scale: 1,
  serverSeries: [
    requestRate,
    requestP95,
    postgresTransactionRate,
    redisCommandRate,
    processCpu,
    cacheResultRate,
    databaseReadRate,
    replicaLagSeconds,
  ],
  columns: allColumns,
  async run(context) {
    const { session, seconds, output } = context;
    const servers = databaseServers(session.stage);
    await startCold(session.stage, output);
    const load = (durationSeconds: number, name: string, onOutcome?: (outcome: RequestOutcome) => void) =>
      runReadHeavy(context, {
        name,
        requestsPerSecond: mixRequestsPerSecond,
        durationSeconds,
        randomSeed: 3,
        ...(onOutcome ? { onOutcome } : {}),
      });
    const warmUpSeconds = seconds(15, 5);
    output(`warming up: ${mixRequestsPerSecond} req/s for ${warmUpSeconds} s (not measured)...`);
    await load(warmUpSeconds, 'warm-up');
    await waitForReplicas(servers);
    await resetStatements(servers);
    const durationSeconds = seconds(30, 10);
    output(
      `measuring: ${mixRequestsPerSecond} req/s for ${durationSeconds} s, pg_stat_statements reset on ${servers.map((server) => server.name).join(', ')}...`,
    );
    const hasReplicas = servers.some((server) => server.role === 'replica');
    const primary = servers.find((server) => server.role === 'primary');
    const sampler = hasReplicas && primary ? sampleReplicationLag(primary.url) : undefined;
    const outcomes: RequestOutcome[] = [];
    const measured = await load(durationSeconds, 'measured', (outcome) => outcomes.push(outcome));
    const lagSamples = await sampler?.stop();
    const statements = await readStatements(servers, appRole(session.stage));
    for (const missing of statements.filter((server) => server.unavailable))
      output(`unavailable: ${missing.unavailable}`);
    const side: DatabaseStatementsSide = {
      requestsPerSecond: mixRequestsPerSecond,
      load: measured,
      statements,
      cache: countCacheOutcomes(outcomes),
      lag: lagSamples ? summarizeLag(lagSamples) : undefined,
    };
    output(
      `${perRequest(side, 'primary').toFixed(2)} statements per request on the primary, ${perRequest(side).toFixed(2)} in total; ` +
        `${cachedPercent(side.cache).toFixed(1)}% answered by a cache.`,
    );
    return side;
  },
  compare(results, labels) {
    const row = (
      label: string,
      pick: (side: DatabaseStatementsSide) => number | undefined,
      decimals = 2,
    ) => ({
      label,
      values: results.map(pick),
      decimals,
    });
    const purpose =
      (role: 'primary' | 'replica', name: keyof ServerStatements['byPurpose']) =>
      (side: DatabaseStatementsSide) =>
        perRequest(side, role, (server) => server.byPurpose[name]);
    return {
      rows: [
        row("statements per request on the primary (all of the app's)", (side) =>
          perRequest(side, 'primary'),
        ),
        row('  of which serving requests', purpose('primary', 'requests')),
        row('  of which replication bookkeeping (LSN polls)', purpose('primary', 'replication bookkeeping')),
        row('  of which job queue (worker)', purpose('primary', 'job queue')),
        row(
          '  replication bookkeeping on the primary, statements per second',
          (side) => perSecond(side, 'primary', 'replication bookkeeping'),
          1,
        ),
        row('statements per request on the replicas', (side) => perRequest(side, 'replica')),
        row('  of which replication bookkeeping (LSN polls)', purpose('replica', 'replication bookkeeping')),
        row(
          '  replication bookkeeping on the replicas, statements per second',
          (side) => perSecond(side, 'replica', 'replication bookkeeping'),
          1,
        ),
        row('statements per request in total (primary and replicas)', (side) => perRequest(side)),
        row('requests answered', (side) => side.load.requests, 0),
        row('failed requests (no answer or 5xx)', (side) => failedRequests(side.load), 0),
        row('p95 ms', (side) => side.load.latencyMs.p95, 1),
        row('answered by the edge, %', (side) => edgeHitPercent(side.cache), 1),
        row('answered by a cache (edge or app), %', (side) => cachedPercent(side.cache), 1),
        row('replication lag p50 ms (replay_lag)', (side) => side.lag?.replayLagMs.p50, 1),
        row('replication lag p99 ms (replay_lag)', (side) => side.lag?.replayLagMs.p99, 1),
        row('replication lag p99, bytes of WAL behind', (side) => side.lag?.lagBytes.p99, 0),
      ],
      panel: {
        title: 'Database statements per request (read-heavy mix, open model)',
        unit: 'statements',
        groups: [
          { label: 'on the primary', values: results.map((side) => perRequest(side, 'primary')) },
          { label: 'in total (primary and replicas)', values: results.map((side) => perRequest(side)) },
        ],
      },
      details: renderDetails(results, labels),
    };
  },
});

/** The app's statements on the servers of `role` (all servers when undefined), per request answered. */
export function perRequest(
  side: DatabaseStatementsSide,
  role?: 'primary' | 'replica',
  count: (server: ServerStatements) => number = appStatements,
): number {
  const servers = side.statements.filter((server) => role === undefined || server.role === role);
  const statements = servers.reduce((sum, server) => sum + count(server), 0);
  return side.load.requests === 0 ? 0 : statements / side.load.requests;
}

/** Statements for one purpose per second of the measured run: the LSN polls run by the clock, not per request. */
function perSecond(
  side: DatabaseStatementsSide,
  role: 'primary' | 'replica',
  purpose: keyof ServerStatements['byPurpose'],
): number {
  const calls = side.statements
    .filter((server) => server.role === role)
    .reduce((sum, server) => sum + server.byPurpose[purpose], 0);
  return side.load.durationSeconds > 0 ? calls / side.load.durationSeconds : 0;
}

function renderDetails(results: DatabaseStatementsSide[], labels: string[]): string {
  const [baseline] = results;
  const lines: string[] = [];
  if (baseline) {
    lines.push(
      `The goal: at least 90% fewer statements per request reaching the primary than ${labels[0]}.`,
      '',
      markdownTable(
        [
          'column',
          'on the primary',
          'fewer than the first column',
          'in total',
          'fewer than the first column',
        ],
        results.map((side, index) => [
          labels[index] as string,
          perRequest(side, 'primary').toFixed(2),
          fewer(perRequest(baseline, 'primary'), perRequest(side, 'primary')),
          perRequest(side).toFixed(2),
          fewer(perRequest(baseline), perRequest(side)),
        ]),
      ),
      '',
    );
  }
  const unavailable = results.flatMap((side) =>
    side.statements.flatMap((server) => server.unavailable ?? []),
  );
  if (unavailable.length > 0) {
    lines.push(
      'Servers that could not be read (their counts are missing):',
      '',
      ...unavailable.map((text) => `- ${text}`),
      '',
    );
  }
  for (const [index, side] of results.entries()) {
    lines.push(`${labels[index]}: the app's most frequent statements per server during the measured run`, '');
    lines.push(
      markdownTable(
        ['server', 'calls', 'per request', 'purpose', 'statement'],
        side.statements.flatMap((server) =>
          server.statements
            .slice(0, 12)
            .map((statement) => [
              server.server,
              statement.calls.toLocaleString('en-US'),
              side.load.requests === 0 ? '0' : (statement.calls / side.load.requests).toFixed(3),
              statement.purpose,
              `\`${statement.query.replaceAll('|', '\\|').replaceAll('`', "'")}\``,
            ]),
        ),
      ),
      '',
    );
  }
  return lines.join('\n');
}

function fewer(before: number, after: number): string {
  return before === 0 ? 'n/a' : `${(100 * (1 - after / before)).toFixed(1)}%`;
}
