import { randomBytes } from 'node:crypto';
import type { RequestTemplate } from '@scaling/loadtests/scenarios/types';
import {
  type AddShardReport,
  authorsOnShards,
  countShardRows,
  movedTables,
  reshardStage,
  type ShardRowCounts,
  stageDatabases,
} from '@scaling/resharding';
import { createHashRing } from '@scaling/ring';
import { mulberry32 } from '@scaling/seed';
import { loadPlan } from '@scaling/stack';
import pg from 'pg';
import { reportDrill } from '../drill-report.ts';
import type { Drill } from '../experiment.ts';
import { threeShards } from '../experiments/sharding-columns.ts';
import { runWithFault } from '../fault-run.ts';
import type { ResolvedRequest } from '../mix.ts';
import { postgresTransactionRate, processCpu, requestP95, requestRate } from '../server-series.ts';
import { markdownTable } from '../table.ts';
import { plannedWrites, prepareWriteWorkload, writeTemplates } from '../write-workload.ts';

const added = 'shard4';
const requestsPerSecond = 60;
/** Reads among the requests: an author's article by slug and their list, both on the author's shard. */
const readShare = 0.4;
const workloadShape = { writers: 48, articlesEach: 2, followsEach: 1 };

const readTemplates: RequestTemplate[] = [
  { name: 'read article', weight: 1, method: 'GET', path: '/api/articles/{slug}', auth: 'none' },
  {
    name: "read author's articles",
    weight: 1,
    method: 'GET',
    path: '/api/articles?author={username}',
    auth: 'none',
  },
];
const readNames = new Set(readTemplates.map((template) => template.name));

/** What each successful write of the mix adds: a new article with one tag, a comment, a favorite never made before. */
const rowsPerWrite: Record<string, Partial<ShardRowCounts>> = {
  'publish article': { articles: 1, article_tags: 1 },
  comment: { comments: 1 },
  favorite: { favorites: 1 },
};

const title = 'A fourth shard joins under writes';
const description =
  `Stage 6 (load-test variant). Writers registered through the API publish their first articles; then the write-heavy ` +
  `mix with ${readShare * 100}% reads of those authors' articles runs at ${requestsPerSecond} req/s (open model), and ` +
  `"pnpm stack reshard 6 --add ${added}" runs meanwhile: ${added} starts, is migrated, and the authors the ring gives ` +
  'it move one at a time, each pausing only their own writes. The rows of every table, summed over the shards, are ' +
  'counted before the load and after the cleanup: after must equal before plus what the successful writes added ' +
  '(0 lost, 0 duplicated), no read may fail, and the longest write pause is what the resharding measured.';

export const addShard: Drill = {
  name: 'add-shard',
  title,
  description,
  scale: 1,
  seeded: false,
  boot: threeShards.boot ?? {},
  deletesData: true,
  serverSeries: [requestRate, requestP95, postgresTransactionRate, processCpu],
  async run(context) {
    const { session, seconds, output, settings } = context;
    const databases = stageDatabases(session.stage);
    const before3 = Object.keys(databases.shards).filter((name) => name !== added);
    const pools = Object.fromEntries(
      Object.entries(databases.shards).map(([name, url]) => [
        name,
        new pg.Pool({ connectionString: url, max: 2 }),
      ]),
    );
    const global = new pg.Pool({ connectionString: databases.global, max: 2 });
    try {
      await assertNotResharded(global, session.stage);
      const workload = await prepareWriteWorkload({
        baseUrl: session.baseUrl,
        runId: randomBytes(3).toString('hex'),
        ...workloadShape,
        output,
      });
      const writes = plannedWrites(workload, mulberry32(17));
      const random = mulberry32(29);
      const read = (): ResolvedRequest => {
        const article = random.pick(workload.articles);
        const author = workload.writers[article.author]?.username ?? '';
        const byAuthor = random.next() < 0.5;
        return {
          name: byAuthor ? "read author's articles" : 'read article',
          method: 'GET',
          path: byAuthor
            ? `/api/articles?author=${encodeURIComponent(author)}`
            : `/api/articles/${encodeURIComponent(article.slug)}`,
          headers: { accept: 'application/json' },
          body: undefined,
        };
      };
      const before = await countShardRows(pools, before3);
      output(`Rows before, summed over ${before3.join(', ')}: ${JSON.stringify(before)}`);
      let report: AddShardReport | undefined;
      const run = await runWithFault({
        label: `${session.label} add-shard`,
        baseUrl: session.baseUrl,
        requests: [...writeTemplates, ...readTemplates],
        fixtures: context.fixtures,
        source: () => (random.next() < readShare ? read() : writes.next()),
        requestsPerSecond,
        durationSeconds: seconds(90, 60),
        faultAtSeconds: seconds(10, 5),
        signal: settings.signal,
        async inject(mark) {
          mark('resharding starts');
          report = await reshardStage(session.stage, { add: added, output });
          mark('resharding done');
        },
      });
      const after = await countShardRows(pools, Object.keys(pools));
      const expected = { ...before };
      const writeOutcomes = run.outcomes.filter((outcome) => !readNames.has(outcome.name));
      for (const outcome of writeOutcomes) {
        if (outcome.status === undefined || outcome.status < 200 || outcome.status >= 300) continue;
        for (const [table, rows] of Object.entries(rowsPerWrite[outcome.name] ?? {})) {
          expected[table as keyof ShardRowCounts] += rows;
        }
      }
      const lost = movedTables.reduce((sum, table) => sum + Math.max(0, expected[table] - after[table]), 0);
      const duplicated = movedTables.reduce(
        (sum, table) => sum + Math.max(0, after[table] - expected[table]),
        0,
      );
      const sharedIds = await idsOnTwoShards(pools);
      const misplaced = await authorsOffTheirShard(pools, before3, session.stage);
      const reads = run.outcomes.filter((outcome) => readNames.has(outcome.name));
      const failedReads = reads.filter(
        (outcome) => outcome.status === undefined || outcome.status >= 500 || outcome.status === 404,
      ).length;
      const failedWrites = writeOutcomes.filter(
        (outcome) => outcome.status === undefined || outcome.status < 200 || outcome.status >= 300,
      ).length;
      const resharding = report;
      const leftovers = await leftoversOf(global, pools);
      return reportDrill(context, {
        title,
        description,
        run,
        facts: {
          'authors the ring gave the new shard': resharding
            ? `${resharding.authors.moved} of ${resharding.authors.total} (${percent(resharding.authors.fraction)})`
            : 'the resharding did not finish',
          'rows they own': resharding
            ? `${resharding.rows.moved} of ${resharding.rows.total} (${percent(resharding.rows.fraction)})`
            : '-',
          'authors moved (late ones included) / rows moved': resharding
            ? `${resharding.moved} / ${resharding.rowsMoved}`
            : '-',
          'longest write pause of one author, ms': resharding ? resharding.longestPauseMs.toFixed(1) : '-',
          'p95 write pause over the moved authors, ms': resharding ? resharding.p95PauseMs.toFixed(1) : '-',
          'pnpm stack reshard took, ms (start and migrate shard4, move, wait for the routers, clean up)':
            (run.marks['resharding done'] ?? 0) - (run.marks['resharding starts'] ?? 0),
          'of which moving, waiting for the routers and cleaning up, ms': resharding?.durationMs ?? '-',
          'old rows deleted by the cleanup': resharding?.cleanedRows ?? '-',
          'reads / failed (no answer, 5xx or 404)': `${reads.length} / ${failedReads}`,
          'writes / failed or unanswered': `${writeOutcomes.length} / ${failedWrites}`,
        },
        checks: [
          {
            name: `The resharding finished: ${added} active, no move or departed author left behind`,
            passed: leftovers.state === 'active' && leftovers.moves === 0 && leftovers.departed === 0,
            detail: `${added} ${leftovers.state ?? 'not in the ring'}, ${leftovers.moves} author_moves rows, ${leftovers.departed} departed_authors rows.`,
          },
          {
            name: '0 rows lost, 0 duplicated (per table, summed over the shards: before + successful writes = after)',
            passed: lost === 0 && duplicated === 0 && sharedIds === 0,
            detail: `${lost} lost, ${duplicated} more than expected, ${sharedIds} ids on two shards.`,
          },
          {
            name: 'Only the authors the ring gives the new shard moved, and all of them',
            passed: misplaced === 0,
            detail: `${misplaced} authors on a shard the ring does not name.`,
          },
          {
            name: '0 failed reads',
            passed: failedReads === 0 && reads.length > 0,
            detail: `${failedReads} of ${reads.length}.`,
          },
          {
            name: 'No write failed (so the counts are exact)',
            passed: failedWrites === 0,
            detail: `${failedWrites} of ${writeOutcomes.length}.`,
          },
        ],
        sections: [
          { title: 'Rows per table, summed over the shards', body: rowTable(before, expected, after) },
        ],
      });
    } finally {
      await Promise.all([global.end(), ...Object.values(pools).map((pool) => pool.end())]);
    }
  },
};

/** What a finished resharding leaves: the new shard active, no author_moves row, no departed author on any shard. */
async function leftoversOf(
  global: pg.Pool,
  pools: Record<string, pg.Pool>,
): Promise<{ state: string | undefined; moves: number; departed: number }> {
  const ring = await global.query<{ state: string }>('SELECT state FROM shard_ring WHERE name = $1', [added]);
  const moves = await global.query<{ n: number }>('SELECT count(*)::int AS n FROM author_moves');
  let departed = 0;
  for (const pool of Object.values(pools)) {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM departed_authors');
    departed += rows[0]?.n ?? 0;
  }
  return { state: ring.rows[0]?.state, moves: moves.rows[0]?.n ?? 0, departed };
}

async function assertNotResharded(global: pg.Pool, stage: number): Promise<void> {
  const { rowCount } = await global.query('SELECT 1 FROM shard_ring WHERE name = $1', [added]);
  if (rowCount) {
    throw new Error(
      `Stage ${stage} was resharded by an earlier run (${added} is in its ring): run "pnpm stack down ${stage} --volumes" and start the drill again.`,
    );
  }
}

/** Articles or comments whose id is on more than one shard: a copy the cleanup missed. */
async function idsOnTwoShards(pools: Record<string, pg.Pool>): Promise<number> {
  let shared = 0;
  for (const table of ['articles', 'comments']) {
    const seen = new Set<string>();
    for (const pool of Object.values(pools)) {
      const { rows } = await pool.query<{ id: string }>(`SELECT id FROM ${table}`);
      for (const { id } of rows) {
        if (seen.has(id)) shared++;
        seen.add(id);
      }
    }
  }
  return shared;
}

/** Authors whose rows are on a shard other than the one the ring with the new shard names. */
async function authorsOffTheirShard(
  pools: Record<string, pg.Pool>,
  before: string[],
  stage: number,
): Promise<number> {
  const app = loadPlan(stage).services.find((service) => service.name === 'app');
  const ring = createHashRing({
    nodes: before,
    virtualNodes: Number(app?.env.SHARD_VIRTUAL_NODES ?? 128),
  }).with(added);
  const authors = await authorsOnShards(pools, Object.keys(pools));
  return authors.filter((author) => ring.nodeFor(String(author.authorId)) !== author.shard).length;
}

function rowTable(before: ShardRowCounts, expected: ShardRowCounts, after: ShardRowCounts): string {
  return markdownTable(
    ['table', 'before', 'before + successful writes', 'after'],
    movedTables.map((table) => [table, String(before[table]), String(expected[table]), String(after[table])]),
  );
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
