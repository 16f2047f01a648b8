import { databasePoolOptions, type Registry } from '@scaling/app-kit';
import { createPool } from '@scaling/db';
import type pg from 'pg';
import type { RelayConfig } from './config.ts';

export interface EventDatabases {
  global: pg.Pool;
  /** One pool per shard of SHARD_URLS, by name; a pool connects on its first query (shard4 only once it runs). */
  shards: Map<string, pg.Pool>;
  end(): Promise<void>;
}

/** The relay's and the worker's pools: the global database and every shard, each measured under its own name. */
export function openEventDatabases(
  config: Pick<
    RelayConfig,
    | 'DATABASE_URL'
    | 'DATABASE_POOL_MAX'
    | 'DATABASE_CONNECT_TIMEOUT_MS'
    | 'DATABASE_QUERY_TIMEOUT_MS'
    | 'SHARD_URLS'
    | 'SHARD_POOL_MAX'
  >,
  logger: { error(details: object, message: string): void },
  registry: Registry,
): EventDatabases {
  const global = createPool(databasePoolOptions(config), logger, { registry, name: 'global' });
  const shards = new Map(
    config.SHARD_URLS.map(({ name, url }) => [
      name,
      createPool(
        databasePoolOptions({ ...config, DATABASE_URL: url, DATABASE_POOL_MAX: config.SHARD_POOL_MAX }),
        logger,
        { registry, name },
      ),
    ]),
  );
  return {
    global,
    shards,
    end: async () => {
      await Promise.all([global, ...shards.values()].map((pool) => pool.end()));
    },
  };
}
