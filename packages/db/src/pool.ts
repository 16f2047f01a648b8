import pg from 'pg';

export interface PoolOptions {
  connectionString: string;
  max?: number;
}

/**
 * A pg.Pool that survives its server going away: an idle client losing its connection (Postgres or PgBouncer
 * restarting) emits 'error' on the pool, which would crash the process unhandled. The next query reconnects.
 */
export function createPool(
  options: PoolOptions,
  logger: { error(details: object, message: string): void },
): pg.Pool {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
  pool.on('error', (error) => logger.error({ err: error }, 'An idle PostgreSQL connection failed.'));
  return pool;
}
