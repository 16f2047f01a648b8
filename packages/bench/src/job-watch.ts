import { setTimeout as sleep } from 'node:timers/promises';
import { enqueue, type JobKind, type JobPayloads } from '@scaling/jobs';
import pg from 'pg';
import { queryRows } from './database.ts';

export interface JobRow {
  id: number;
  attempts: number;
  /** The lease's end while a worker holds the job. */
  lockedUntil: Date | null;
  finishedAt: Date | null;
  failedAt: Date | null;
  lastError: string | null;
}

export async function readJob(databaseUrl: string, id: number): Promise<JobRow> {
  const [row] = await queryRows<{
    attempts: number;
    locked_until: Date | null;
    finished_at: Date | null;
    failed_at: Date | null;
    last_error: string | null;
  }>(
    databaseUrl,
    'SELECT attempts, locked_until, finished_at, failed_at, last_error FROM jobs WHERE id = $1',
    [id],
  );
  if (!row) throw new Error(`Job ${id} is gone from the jobs table: something deleted it during the run.`);
  return {
    id,
    attempts: row.attempts,
    lockedUntil: row.locked_until,
    finishedAt: row.finished_at,
    failedAt: row.failed_at,
    lastError: row.last_error,
  };
}

/** Waits until a worker holds the job (claimed, lease running, not finished). */
export async function waitUntilClaimed(databaseUrl: string, id: number, timeoutMs: number): Promise<JobRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await readJob(databaseUrl, id);
    if (job.attempts > 0 && job.finishedAt === null && job.failedAt === null) return job;
    if (job.finishedAt !== null || job.failedAt !== null) {
      throw new Error(`Job ${id} ended before it could be observed running: give it more work.`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `No worker claimed job ${id} within ${timeoutMs} ms: check that the stage runs a job worker.`,
      );
    }
    await sleep(50);
  }
}

/** Waits until the job finished or failed for good, or until the deadline; returns its last state either way. */
export async function waitUntilDone(
  databaseUrl: string,
  id: number,
  timeoutMs: number,
  onWait?: (job: JobRow, waitedMs: number) => void,
): Promise<JobRow> {
  const started = Date.now();
  let reported = 0;
  for (;;) {
    const job = await readJob(databaseUrl, id);
    if (job.finishedAt !== null || job.failedAt !== null || Date.now() - started > timeoutMs) return job;
    if (Date.now() - started - reported >= 10_000) {
      reported = Date.now() - started;
      onWait?.(job, reported);
    }
    await sleep(250);
  }
}

export function jobState(job: JobRow): 'finished' | 'failed' | 'pending' {
  if (job.finishedAt !== null) return 'finished';
  if (job.failedAt !== null) return 'failed';
  return 'pending';
}

/** Enqueues one job straight into the stage's queue, as the app would. */
export async function enqueueJob<Kind extends JobKind>(
  databaseUrl: string,
  kind: Kind,
  payload: JobPayloads[Kind],
): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    return await enqueue(pool, kind, payload);
  } finally {
    await pool.end();
  }
}
