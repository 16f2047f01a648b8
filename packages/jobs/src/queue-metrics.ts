import { withTransaction } from '@scaling/db';
import { type Registry, scrapedGauge } from '@scaling/metrics';
import type pg from 'pg';
import type { JobLogger } from './types.ts';

export interface QueueMetricsOptions {
  pool: pg.Pool;
  registry: Registry;
  /** The kinds reported, each with a sample even when none waits: a missing series reads as "unknown", 0 as "empty". */
  kinds: readonly string[];
  logger: JobLogger;
  /** How long the scrape's query may run; past it the scrape reports no queue samples rather than hang. */
  queryTimeoutMs?: number;
}

interface QueueRow {
  kind: string;
  depth: number;
  oldest_age_seconds: number;
}

/**
 * Jobs a worker could claim right now (the claim's own condition), per kind, and how long the oldest of them has
 * waited. The partial index on ready jobs keeps it small however many finished jobs the table keeps.
 */
const readyJobsQuery = `
  SELECT kind, count(*)::int AS depth, extract(epoch FROM now() - min(run_at))::float8 AS oldest_age_seconds
  FROM jobs
  WHERE finished_at IS NULL AND failed_at IS NULL AND run_at <= now()
    AND (locked_until IS NULL OR locked_until < now())
  GROUP BY kind`;

/**
 * Reports the job queue at scrape time (`jobs_queue_depth`, `jobs_queue_oldest_age_seconds`), from the process
 * that runs the jobs: the API in stage 1, the worker from stage 2 on. Both gauges come from one query per scrape.
 */
export function observeJobQueue(options: QueueMetricsOptions): void {
  const { pool, registry, kinds, logger } = options;
  const timeoutMs = options.queryTimeoutMs ?? 2_000;
  let inFlight: Promise<QueueRow[] | undefined> | undefined;

  async function readQueue(): Promise<QueueRow[] | undefined> {
    try {
      return await withTransaction(pool, async (client) => {
        // SET LOCAL holds through PgBouncer's transaction pooling and ends with the transaction.
        await client.query(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
        return (await client.query<QueueRow>(readyJobsQuery)).rows;
      });
    } catch (error) {
      logger.warn(
        { err: error },
        'Could not read the job queue for the metrics; this scrape has no queue samples.',
      );
      return undefined;
    }
  }

  /** The two gauges are collected together: they share the query of the scrape in progress. */
  function snapshot(): Promise<QueueRow[] | undefined> {
    inFlight ??= readQueue().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function queueGauge(name: string, help: string, read: (row: QueueRow) => number): void {
    scrapedGauge(registry, {
      name,
      help,
      label: 'kind',
      async read() {
        const rows = await snapshot();
        if (!rows) return undefined;
        // Zero first for every kind, then the kinds the query found: a kind with nothing waiting still reads 0.
        return [
          ...kinds.map((kind) => [kind, 0] as const),
          ...rows.map((row) => [row.kind, read(row)] as const),
        ];
      },
    });
  }

  queueGauge(
    'jobs_queue_depth',
    'Jobs ready to run now and not claimed by a worker, by kind.',
    (row) => row.depth,
  );
  queueGauge(
    'jobs_queue_oldest_age_seconds',
    'How long the oldest ready job has waited since it became due, by kind; 0 when none waits.',
    (row) => row.oldest_age_seconds,
  );
}
