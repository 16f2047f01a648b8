import type pg from 'pg';
import { ReshardingError } from './errors.ts';

/** Each shard's pool by name (shard1, shard2, ...): direct connections as the schema's owner, not the app's pooler. */
export type ShardPools = Readonly<Record<string, pg.Pool>>;

export function poolOf(shards: ShardPools, name: string): pg.Pool {
  const pool = shards[name];
  if (!pool) {
    throw new ReshardingError(
      'RESHARD_SHARD_UNKNOWN',
      `No connection to shard "${name}" was given: pass a pool for each of ${name} and the ring's shards.`,
    );
  }
  return pool;
}
