import pg from 'pg';
import { inject } from 'vitest';

/** A pool on the run's shared test database; each test file ends its own pool. */
export function createTestPool(): pg.Pool {
  return new pg.Pool({ connectionString: inject('databaseUrl'), max: 6 });
}

export async function jobRow(pool: pg.Pool, id: number) {
  const { rows } = await pool.query<{
    attempts: number;
    locked_until: Date | null;
    last_error: string | null;
    finished_at: Date | null;
    failed_at: Date | null;
    retry_in_seconds: number;
  }>(
    `SELECT attempts, locked_until, last_error, finished_at, failed_at,
            extract(epoch FROM run_at - now())::float8 AS retry_in_seconds
     FROM jobs WHERE id = $1`,
    [id],
  );
  return rows[0];
}
