import pg from 'pg';
import { createMeasuredPool, type PoolMetricsOptions } from './pool-metrics.ts';

export interface PoolOptions {
  connectionString: string;
  max?: number;
  /**
   * How long a request waits for a connection, whether a new one is opening or every pooled one is busy, before
   * it fails as "database unavailable" (503) instead of hanging while Postgres or PgBouncer is unreachable.
   */
  connectTimeoutMs?: number;
  /**
   * How long the client waits for a query's answer. The server's statement_timeout (set on the application
   * role) cancels slow statements first; this bounds the wait when no answer can come, as on a silently dead
   * connection. Keep it above statement_timeout.
   */
  queryTimeoutMs?: number;
}

/** Safe defaults: a few seconds to connect, and a little longer than the role's 30 s statement_timeout. */
export const poolDefaults = { max: 10, connectTimeoutMs: 5_000, queryTimeoutMs: 35_000 } as const;

/**
 * A pg.Pool that survives its server going away: an idle client losing its connection (Postgres or PgBouncer
 * restarting) emits 'error' on the pool, which would crash the process unhandled. The next query reconnects.
 */
export function createPool(
  options: PoolOptions,
  logger: { error(details: object, message: string): void },
  metrics?: PoolMetricsOptions,
): pg.Pool {
  const config: pg.PoolConfig = {
    connectionString: options.connectionString,
    max: options.max ?? poolDefaults.max,
    connectionTimeoutMillis: options.connectTimeoutMs ?? poolDefaults.connectTimeoutMs,
    query_timeout: options.queryTimeoutMs ?? poolDefaults.queryTimeoutMs,
  };
  const pool = metrics ? createMeasuredPool(config, metrics) : new pg.Pool(config);
  pool.on('error', (error) => logger.error({ err: error }, 'An idle PostgreSQL connection failed.'));
  return pool;
}
