import { counterGrowth, type MetricSample, scrapeApps } from '../app-metrics.ts';
import { defineExperiment } from '../experiment.ts';
import { evenShare, failedRequests, renderMessageCounts } from '../load-summary.ts';
import type { OpenLoadResult } from '../open-load.ts';
import {
  type OwnWritesSummary,
  runOwnWrites,
  summarizeOwnWrites,
  type WriteReadPair,
} from '../own-writes.ts';
import { stutterReplay } from '../replication.ts';
import { databaseReadRate, replicaLagSeconds, requestRate } from '../server-series.ts';
import { startCold } from '../stage-caches.ts';
import { appInstances, databaseServers, originUrl } from '../stage-services.ts';
import { runReadHeavy } from '../steady-load.ts';
import { markdownTable } from '../table.ts';
import { stage4, withoutReadYourWrites } from './cache-replicas-columns.ts';
import { mixRequestsPerSecond } from './database-statements.ts';

const pairs = 1_000;
/** Under REPLICA_MAX_LAG_SECONDS (2 s), so the lagging replica stays in rotation. */
const lag = { pauseMs: 1_500, periodMs: 3_000 };

interface Phase {
  name: string;
  /** Replica 1's replay paused now and then (see `stutterReplay`), or the replicas left as they are. */
  lagging: boolean;
}

const phases: Phase[] = [
  { name: 'replicas as they are', lagging: false },
  { name: `replica 1 up to ${lag.pauseMs / 1000} s behind`, lagging: true },
];

export interface ReadYourWritesSide {
  /** All pairs. */
  pairs: OwnWritesSummary;
  /** Half the pairs in each phase, in order. */
  phases: (Phase & { pairs: OwnWritesSummary; pauses: number })[];
  background: OpenLoadResult;
  /** db_reads_total growth over the run, summed over the replicas, by `target reason`. */
  reads: Record<string, number>;
}

export const readYourWrites = defineExperiment<ReadYourWritesSide>({
  name: 'read-your-writes',
  title: 'Read-your-writes: a user reading right after writing, with the LSN rule and without',
  description:
    `${pairs.toLocaleString('en-US')} write-then-read pairs from the 8 logged-in users, in parallel, each user's pairs ` +
    "one after the other: a comment, then the article's comments (it must be there); or a favorite added or taken " +
    "back, then the article (favorited must say so, as the write's own answer did). Meanwhile the read-heavy mix runs " +
    `at ${mixRequestsPerSecond} req/s through the edge, so the replicas replay a steady stream of writes. The pairs ` +
    'go to nginx directly: a request with a token passes the edge anyway, and the 2 × 40 ms it would add between ' +
    'the write and the read would hide most replication lag (a page rendered next to the origin has no such delay). ' +
    'Half the pairs run with the replicas as they are (on this machine they replay within milliseconds, faster than ' +
    `the read follows its write); the other half while replica 1's replay is paused ${lag.pauseMs / 1000} s of every ` +
    `${lag.periodMs / 1000} s (pg_wal_replay_pause as the superuser), the way a replica falls behind under a burst of ` +
    'writes: under REPLICA_MAX_LAG_SECONDS, so it stays in rotation. With the rule (the default), a user whose last ' +
    'write a replica has not replayed yet reads from one that has, or from the primary; without it ' +
    '(READ_YOUR_WRITES=off) any replica in rotation answers. A stale own-read is a read that answered 200 without ' +
    "the user's own write.",
  scale: 1,
  serverSeries: [requestRate, databaseReadRate, replicaLagSeconds],
  columns: [stage4, withoutReadYourWrites],
  async run(context) {
    const { session, output, fixtures, settings } = context;
    await startCold(session.stage, output);
    const apps = appInstances(session.stage);
    const before = await scrapeApps(apps);
    const done = new AbortController();
    const count = settings.quick ? 200 : pairs;
    output(
      `${count} write-then-read pairs from ${fixtures.tokens.length} users while the mix runs at ${mixRequestsPerSecond} req/s...`,
    );
    const background = runReadHeavy(context, {
      name: 'background mix',
      requestsPerSecond: mixRequestsPerSecond,
      durationSeconds: 600,
      randomSeed: 5,
      signal: done.signal,
    });
    const victim = databaseServers(session.stage).find((server) => server.role === 'replica');
    if (!victim) throw new Error(`Stage ${session.stage} runs no database replica to lag.`);
    const measured: ReadYourWritesSide['phases'] = [];
    const everyPair: WriteReadPair[] = [];
    try {
      for (const [index, phase] of phases.entries()) {
        output(`${phase.name}: ${evenShare(count, phases.length, index)} pairs...`);
        const stutter = phase.lagging ? stutterReplay(victim.url, lag) : undefined;
        let written: WriteReadPair[] = [];
        let pauses = 0;
        try {
          written = await runOwnWrites({
            baseUrl: originUrl(session.stage),
            tokens: fixtures.tokens,
            slugs: fixtures.slugs.slice(0, 200),
            pairs: evenShare(count, phases.length, index),
            signal: settings.signal,
          });
        } finally {
          pauses = (await stutter?.stop()) ?? 0;
        }
        everyPair.push(...written);
        measured.push({ ...phase, pairs: summarizeOwnWrites(written), pauses });
      }
    } finally {
      done.abort();
    }
    const after = await scrapeApps(apps);
    const summary = summarizeOwnWrites(everyPair);
    output(
      `${summary.stale} stale own-reads of ${summary.judged} judged pairs (${measured.map((phase) => `${phase.name}: ${phase.pairs.stale}`).join(', ')}; ${summary.failed} failed).`,
    );
    return {
      pairs: summary,
      phases: measured,
      background: await background,
      reads: readsByTarget(before, after),
    };
  },
  compare(results, labels) {
    const row = (label: string, pick: (side: ReadYourWritesSide) => number, decimals = 0) => ({
      label,
      values: results.map(pick),
      decimals,
    });
    const reads = (target: RegExp, reason?: string) => (side: ReadYourWritesSide) =>
      Object.entries(side.reads)
        .filter(([key]) => {
          const [where, why] = key.split(' ');
          return target.test(where ?? '') && (reason === undefined || why === reason);
        })
        .reduce((sum, [, count]) => sum + count, 0);
    return {
      rows: [
        row('write-then-read pairs judged', (side) => side.pairs.judged),
        row('stale own-reads, all pairs (goal with the rule: 0)', (side) => side.pairs.stale),
        ...phases.map((phase, index) =>
          row(`  of which with ${phase.name}`, (side) => side.phases[index]?.pairs.stale ?? 0),
        ),
        row(
          'stale own-reads, % of pairs',
          (side) => (side.pairs.judged ? (100 * side.pairs.stale) / side.pairs.judged : 0),
          2,
        ),
        row('pairs that failed (error or non-2xx)', (side) => side.pairs.failed),
        row('read after its write: p50 ms', (side) => side.pairs.readMsP50, 1),
        row('read after its write: p99 ms', (side) => side.pairs.readMsP99, 1),
        row(
          'reads on the primary, the replicas behind the reader (db_reads_total)',
          reads(/^primary$/, 'behind'),
        ),
        row('reads on the primary, all (db_reads_total)', reads(/^primary$/)),
        row('reads on the replicas (db_reads_total)', reads(/^(?!primary$)/)),
        row('background mix: failed requests (no answer or 5xx)', (side) => failedRequests(side.background)),
      ],
      panel: {
        title: `Stale own-reads in ${pairs.toLocaleString('en-US')} write-then-read pairs`,
        unit: 'reads',
        groups: phases.map((phase, index) => ({
          label: phase.name,
          values: results.map((side) => side.phases[index]?.pairs.stale),
        })),
      },
      details: results
        .flatMap((side, index) => [
          `${labels[index]}: stale own-reads by kind: ${
            Object.entries(side.pairs.staleByKind)
              .map(([kind, count]) => `${kind} ${count}`)
              .join(', ') || 'none'
          }; failed pairs:`,
          '',
          renderMessageCounts(side.pairs.errors),
          '',
          'Reads by where they ran and why (db_reads_total growth, summed over the app replicas):',
          '',
          markdownTable(
            ['target and reason', 'reads'],
            Object.entries(side.reads).map(([key, count]) => [key, count.toLocaleString('en-US')]),
          ),
          '',
        ])
        .join('\n'),
    };
  },
});

/** db_reads_total growth per `target reason`, summed over the replicas. */
export function readsByTarget(
  before: Record<string, MetricSample[]>,
  after: Record<string, MetricSample[]>,
): Record<string, number> {
  const byKey = (samples: MetricSample[]) => {
    const totals: Record<string, number> = {};
    for (const sample of samples) {
      if (sample.name !== 'db_reads_total') continue;
      const key = `${sample.labels.target ?? '?'} ${sample.labels.reason ?? '?'}`;
      totals[key] = (totals[key] ?? 0) + sample.value;
    }
    return totals;
  };
  const total: Record<string, number> = {};
  for (const [app, samples] of Object.entries(after)) {
    for (const [key, count] of Object.entries(counterGrowth(byKey(before[app] ?? []), byKey(samples)))) {
      total[key] = (total[key] ?? 0) + count;
    }
  }
  return Object.fromEntries(Object.entries(total).sort(([a], [b]) => a.localeCompare(b)));
}
