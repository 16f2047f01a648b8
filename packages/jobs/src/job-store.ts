import type pg from 'pg';
import type { ClaimedJob } from './types.ts';

interface ClaimedRow {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

/** The queue's SQL; the worker decides, the store only reads and writes rows. */
export function createJobStore(pool: pg.Pool) {
  return {
    /**
     * Leases up to `limit` ready jobs of the given kinds. SKIP LOCKED lets concurrent workers pass over rows another
     * worker is claiming right now, and the lease makes a job claimable again once its worker stops renewing it (dies).
     */
    async claim(kinds: string[], limit: number, leaseMs: number): Promise<ClaimedJob[]> {
      const { rows } = await pool.query<ClaimedRow>(
        `UPDATE jobs
         SET attempts = attempts + 1, locked_until = now() + $3 * interval '1 millisecond'
         WHERE id IN (
           SELECT id FROM jobs
           WHERE kind = ANY($1) AND finished_at IS NULL AND failed_at IS NULL AND run_at <= now()
             AND (locked_until IS NULL OR locked_until < now())
           ORDER BY run_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED
         )
         RETURNING id, kind, payload, attempts, max_attempts`,
        [kinds, limit, leaseMs],
      );
      return rows.map((row) => ({
        id: Number(row.id),
        kind: row.kind,
        payload: row.payload,
        attempts: row.attempts,
        maxAttempts: row.max_attempts,
      }));
    },

    /** Only while the job is unfinished: a late renewal must not revive a lease the outcome already cleared. */
    async renewLease(id: number, leaseMs: number): Promise<void> {
      await pool.query(
        `UPDATE jobs SET locked_until = now() + $2 * interval '1 millisecond'
         WHERE id = $1 AND finished_at IS NULL AND failed_at IS NULL AND locked_until IS NOT NULL`,
        [id, leaseMs],
      );
    },

    async complete(id: number): Promise<void> {
      await pool.query('UPDATE jobs SET finished_at = now(), locked_until = NULL WHERE id = $1', [id]);
    },

    async retryLater(id: number, error: string, delayMs: number): Promise<void> {
      await pool.query(
        `UPDATE jobs SET locked_until = NULL, last_error = $2, run_at = now() + $3 * interval '1 millisecond'
         WHERE id = $1`,
        [id, error, delayMs],
      );
    },

    /** A dead job: kept with its last error for someone to inspect, never claimed again. */
    async markFailed(id: number, error: string): Promise<void> {
      await pool.query(
        'UPDATE jobs SET failed_at = now(), locked_until = NULL, last_error = $2 WHERE id = $1',
        [id, error],
      );
    },
  };
}

export type JobStore = ReturnType<typeof createJobStore>;
