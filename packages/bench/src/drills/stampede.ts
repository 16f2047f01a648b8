import { setTimeout as sleep } from 'node:timers/promises';
import { counterGrowth, metricBy, scrapeApps } from '../app-metrics.ts';
import { type CacheCounts, countCacheOutcomes } from '../cache-timeline.ts';
import type { Drill } from '../experiment.ts';
import { hotArticleRead } from '../experiments/hot-article-latency.ts';
import { sendBurst } from '../keyed-writes.ts';
import { countBy, describeCounts, evenShare } from '../load-summary.ts';
import { type LatencySummary, summarizeLatencies } from '../percentiles.ts';
import { cacheResultRate, databaseReadRate, postgresTransactionRate, requestRate } from '../server-series.ts';
import { startCold, withCacheRedis } from '../stage-caches.ts';
import { appInstances, appRole, databaseServers } from '../stage-services.ts';
import { readStatements, resetStatements, type StatementCount } from '../statement-counts.ts';
import { markdownTable } from '../table.ts';

const concurrency = 500;

interface StampedeRound {
  /** The cache keys holding the article that were deleted (what an expiry does). */
  expiredKeys: string[];
  statuses: Record<string, number>;
  latencyMs: LatencySummary;
  cache: CacheCounts;
  /** The request-serving statements the app's role ran during the burst, summed over the servers. */
  statements: StatementCount[];
  /** cache_requests_total growth per app replica, by result. */
  cacheResults: Record<string, Record<string, number>>;
}

const title = 'A hot key expires under 500 concurrent requests (stampede)';
const description =
  'The most popular article is read once (it is then in the cache Redis), then every cache key holding it is ' +
  `deleted, as an expiry does, and ${concurrency} anonymous GETs of it go out at once, each on a connection of its ` +
  "own, spread evenly over the app replicas' own ports: the edge would coalesce concurrent misses of one URL by " +
  "itself, hiding the app's protection, and nginx admits at most 256 connections from one address (limit_conn). " +
  'pg_stat_statements is reset on every Postgres server just before the burst, with no other load running; ' +
  "afterwards each statement the app's role ran to serve requests is counted over the primary and the replicas. " +
  'Single flight per process means each app replica loads the article once: no statement may have run more often ' +
  "than there are app replicas. Background statements (the replica set's LSN polls, the worker's job queue) are " +
  'left out.';

export const stampede: Drill = {
  name: 'stampede',
  title,
  description,
  scale: 1,
  serverSeries: [requestRate, cacheResultRate, databaseReadRate, postgresTransactionRate],
  async run(context) {
    const { session, seconds, output, fixtures } = context;
    await startCold(session.stage, output);
    const servers = databaseServers(session.stage);
    const apps = appInstances(session.stage);
    const role = appRole(session.stage);
    const slug = fixtures.slugs[0] as string;
    const read = hotArticleRead(slug);
    const request = { name: read.name, method: read.method, path: read.path, headers: {}, body: undefined };
    const rounds: StampedeRound[] = [];
    const roundCount = seconds(3, 1);
    for (let round = 1; round <= roundCount; round++) {
      const fill = await fetch(new URL(read.path, apps[0]?.url));
      await fill.arrayBuffer();
      await sleep(200);
      const keys = await withCacheRedis(session.stage, async (redis) => {
        const found: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await redis.scan(cursor, 'MATCH', `*${slug}*`, 'COUNT', 1000);
          cursor = next;
          found.push(...batch);
        } while (cursor !== '0');
        return found;
      });
      const before = await scrapeApps(apps);
      await resetStatements(servers);
      await withCacheRedis(session.stage, async (redis) => {
        if (keys.length > 0) await redis.del(...keys);
      });
      const started = performance.now();
      output(
        `round ${round}/${roundCount}: ${keys.length} keys expired (${keys.join(', ') || 'none found'}); ${concurrency} GETs at once...`,
      );
      const clock = () => performance.now() - started;
      const bursts = await Promise.all(
        apps.map((app, index) =>
          sendBurst(
            app.url,
            Array.from({ length: evenShare(concurrency, apps.length, index) }, () => request),
            clock,
          ),
        ),
      );
      const outcomes = bursts.flat();
      const statements = await readStatements(servers, role);
      const after = await scrapeApps(apps);
      const merged = new Map<string, StatementCount>();
      for (const server of statements) {
        for (const statement of server.statements.filter((candidate) => candidate.purpose === 'requests')) {
          const known = merged.get(statement.query);
          merged.set(statement.query, { ...statement, calls: (known?.calls ?? 0) + statement.calls });
        }
      }
      rounds.push({
        expiredKeys: keys,
        statuses: countBy(outcomes, (outcome) => String(outcome.status ?? outcome.error ?? 'no answer')),
        latencyMs: summarizeLatencies(outcomes.map((outcome) => outcome.latencyMs)),
        cache: countCacheOutcomes(outcomes),
        statements: [...merged.values()].sort((a, b) => b.calls - a.calls),
        cacheResults: Object.fromEntries(
          apps.map((app) => [
            app.name,
            counterGrowth(
              metricBy(before[app.name] ?? [], 'cache_requests_total', 'result'),
              metricBy(after[app.name] ?? [], 'cache_requests_total', 'result'),
            ),
          ]),
        ),
      });
      const most = rounds.at(-1)?.statements[0];
      output(`most frequent statement: ${most ? `${most.calls} calls` : 'none ran'}.`);
      await sleep(1_000);
    }
    const maxCalls = (round: StampedeRound) => round.statements[0]?.calls ?? 0;
    const checks = [
      {
        name: 'Every request of every burst answered 200',
        passed: rounds.every((round) => round.statuses['200'] === concurrency),
        detail: rounds
          .map((round, index) => `round ${index + 1}: ${describeCounts(round.statuses)}`)
          .join('; '),
      },
      {
        name: 'The expired article was really loaded from the database (else the drill shows nothing)',
        passed: rounds.every((round) => round.expiredKeys.length > 0 && round.statements.length > 0),
        detail: rounds
          .map(
            (round, index) =>
              `round ${index + 1}: ${round.expiredKeys.length} keys expired, ${round.statements.length} statements ran`,
          )
          .join('; '),
      },
      {
        name: `No statement ran more often than there are app replicas (${apps.length})`,
        passed: rounds.every((round) => maxCalls(round) <= apps.length),
        detail: rounds
          .map((round, index) => `round ${index + 1}: at most ${maxCalls(round)} calls`)
          .join('; '),
      },
    ];
    const metadata = session.metadata(context.scale);
    const markdown = [
      `# Drill: ${title}`,
      '',
      description,
      '',
      `Measured ${metadata.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${metadata.commit.slice(0, 12)}` +
        `${metadata.dirty ? ' (with uncommitted changes)' : ''}, data scale ${metadata.data.scale}. ${metadata.loadGenerator.note}`,
      '',
      markdownTable(
        [
          'round',
          'keys expired',
          'answers',
          'p50 / p99 / max ms',
          'X-Cache hit / miss / bypass',
          'most calls of one statement',
          'statements, all calls',
        ],
        rounds.map((round, index) => [
          String(index + 1),
          String(round.expiredKeys.length),
          describeCounts(round.statuses),
          [round.latencyMs.p50, round.latencyMs.p99, round.latencyMs.max]
            .map((value) => value.toFixed(1))
            .join(' / '),
          `${round.cache.app.hit} / ${round.cache.app.miss} / ${round.cache.app.bypass}`,
          String(maxCalls(round)),
          String(round.statements.reduce((sum, statement) => sum + statement.calls, 0)),
        ]),
      ),
      '',
      '## Checks',
      '',
      ...checks.map((check) => `- ${check.passed ? 'PASS' : 'FAIL'}: ${check.name}. ${check.detail}`),
      '',
      ...rounds.flatMap((round, index) => [
        `## Round ${index + 1}`,
        '',
        `Keys expired: ${round.expiredKeys.map((key) => `\`${key}\``).join(', ') || 'none'}.`,
        '',
        "Statements the app's role ran to serve requests during the burst (primary and replicas together):",
        '',
        markdownTable(
          ['calls', 'statement'],
          round.statements.map((statement) => [
            String(statement.calls),
            `\`${statement.query.replaceAll('|', '\\|')}\``,
          ]),
        ),
        '',
        'cache_requests_total growth per app replica:',
        '',
        markdownTable(
          ['replica', 'by result'],
          Object.entries(round.cacheResults).map(([app, results]) => [app, describeCounts(results)]),
        ),
        '',
      ]),
    ].join('\n');
    return {
      raw: { title, metadata, concurrency, appReplicas: apps.length, slug, rounds, checks },
      markdown,
      passed: checks.every((check) => check.passed),
    };
  },
};
