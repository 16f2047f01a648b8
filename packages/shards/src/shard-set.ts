import type pg from 'pg';
import { ShardsError } from './errors.ts';
import { type ShardMeasures, unmeasured } from './shard-metrics.ts';
import type { ShardRouter } from './shard-router.ts';

/** The shards an app may use, each its own pool, and the router that says which one holds an author. */
export interface ShardSet {
  /** The pool of the shard named; throws SHARD_UNKNOWN for a name the app has no URL for. */
  pool(name: string): pg.Pool;
  /** Every shard the app has a pool for (SHARD_URLS), in the ring or not. */
  names(): string[];
  router: ShardRouter;
  /** Counts writes per shard and retries after a move (`shard_*` metrics when the app has a registry). */
  measures: ShardMeasures;
}

export function createShardSet(
  pools: ReadonlyMap<string, pg.Pool>,
  router: ShardRouter,
  measures: ShardMeasures = unmeasured,
): ShardSet {
  return {
    pool(name) {
      const pool = pools.get(name);
      if (!pool) {
        throw new ShardsError(
          'SHARD_UNKNOWN',
          `The ring names shard "${name}" but SHARD_URLS has no URL for it: add ${name}=postgres://... to SHARD_URLS on every app replica.`,
        );
      }
      return pool;
    },
    names: () => [...pools.keys()],
    router,
    measures,
  };
}
