import { parseArgs } from 'node:util';
import pg from 'pg';
import { weeklyDigestPayload } from './digest/digest-week.ts';
import { enqueue } from './enqueue.ts';
import type { JobPayloads } from './types.ts';

const usage = `Usage: pnpm jobs enqueue <kind> [--stage N | --database-url URL] [--wait]
  weekly-digest [--week YYYY-MM-DD] [--days N] [--articles N]   every user's digest of that week (default: this week)
  recompute-popular-tags                                         recount popular_tags
--wait waits until a worker has run the job and exits 1 if it failed. The job id is printed on stdout.
Without a URL (or DATABASE_URL), it connects as stage N's app (default 1), from the stage's native plan.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'database-url': { type: 'string' },
    stage: { type: 'string', default: '1' },
    week: { type: 'string' },
    days: { type: 'string' },
    articles: { type: 'string' },
    wait: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

type CliKind = 'weekly-digest' | 'recompute-popular-tags';

/** The stage's app connection from its native plan; loaded only then, since images carry no stack runner. */
async function stageDatabaseUrl(stage: string): Promise<string> {
  const { appDatabaseUrl, loadPlan } = await import('@scaling/stack');
  return appDatabaseUrl(loadPlan(stage));
}

function payloadFor(kind: string): { kind: CliKind; payload: JobPayloads[CliKind] } {
  if (kind === 'recompute-popular-tags') return { kind, payload: {} };
  if (kind !== 'weekly-digest') fail(`Unknown job kind "${kind}".`);
  try {
    return {
      kind,
      payload: weeklyDigestPayload({
        week: values.week,
        days: values.days === undefined ? undefined : Number(values.days),
        articlesPerDigest: values.articles === undefined ? undefined : Number(values.articles),
      }),
    };
  } catch (error) {
    fail((error as Error).message);
  }
}

async function waitForOutcome(pool: pg.Pool, id: number): Promise<void> {
  for (;;) {
    const { rows } = await pool.query<{ finished: boolean; failed: boolean; last_error: string | null }>(
      'SELECT finished_at IS NOT NULL AS finished, failed_at IS NOT NULL AS failed, last_error FROM jobs WHERE id = $1',
      [id],
    );
    const job = rows[0];
    if (job?.finished) return;
    if (!job || job.failed) {
      console.error(`Job ${id} failed: ${job?.last_error ?? 'it no longer exists'}.`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

if (values.help) {
  console.log(usage);
  process.exit(0);
}
const [command, kindName] = positionals;
if (command !== 'enqueue' || kindName === undefined) fail('Say what to enqueue.');
const { kind, payload } = payloadFor(kindName);
const databaseUrl =
  values['database-url'] ?? process.env.DATABASE_URL ?? (await stageDatabaseUrl(values.stage));
const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
try {
  const id = await enqueue(pool, kind, payload);
  console.log(id);
  console.error(`Enqueued ${kind} as job ${id} with ${JSON.stringify(payload)}.`);
  if (values.wait) {
    const started = Date.now();
    await waitForOutcome(pool, id);
    console.error(`Job ${id} finished after ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  }
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw error;
  console.error(
    `Nothing accepts connections at ${new URL(databaseUrl).host}. Start the stage first ('pnpm stack up ${values.stage}') or pass --database-url.`,
  );
  process.exitCode = 1;
} finally {
  await pool.end();
}
