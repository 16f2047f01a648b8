import { z } from 'zod';
import { ShardsError } from './errors.ts';
import { shardNumber } from './shard-names.ts';

/** A shard's name and where to reach it. */
export interface ShardAddress {
  name: string;
  url: string;
}

/**
 * `shard1=postgres://...,shard2=postgres://...` as a list of named URLs; throws, saying what is wrong, on an entry
 * without a name, a name that is not `shard<N>`, a repeated name or a URL that is not PostgreSQL's.
 */
export function parseShardUrls(value: string, variable = 'SHARD_URLS'): ShardAddress[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const shards = entries.map((entry, index) => {
    const separator = entry.indexOf('=');
    const name = entry.slice(0, separator).trim();
    const url = entry.slice(separator + 1).trim();
    if (separator < 1 || !/^postgres(ql)?:\/\//.test(url)) {
      throw new ShardsError(
        'SHARD_INVALID_URLS',
        // The entry itself is left out of the message: it may hold a password.
        `${variable}'s entry ${index + 1} is not name=postgres://...: write each shard as name=postgres://user:password@host:port/database, comma-separated.`,
      );
    }
    shardNumber(name);
    return { name, url };
  });
  const names = shards.map((shard) => shard.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated) {
    throw new ShardsError('SHARD_INVALID_URLS', `${variable} names ${repeated} twice: give each shard once.`);
  }
  return shards;
}

const shardUrls = (variable: string) =>
  z.string().transform((value, context) => {
    try {
      const shards = parseShardUrls(value, variable);
      if (shards.length > 0) return shards;
      context.addIssue({
        code: 'custom',
        message: `${variable} is empty: list every shard as name=postgres://... (comma-separated).`,
      });
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
    return z.NEVER;
  });

/**
 * What an app replica reads to reach the shards (stage 6), beside the global database's DATABASE_URL. Which shards
 * hold authors is not configuration: it is the global `shard_ring` table, followed at run time.
 */
export const shardsEnv = {
  // Every shard the app MAY use (resharding's next shard included: a pool connects on its first query).
  SHARD_URLS: shardUrls('SHARD_URLS'),
  // Points per shard on the ring: more spread authors more evenly and cost a little memory.
  SHARD_VIRTUAL_NODES: z.coerce.number().int().min(1).max(4096).default(128),
  // How often the ring's members and the author moves are read again from the global database.
  SHARD_ROUTING_REFRESH_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  // Connections per shard pool (each behind its own PgBouncer).
  SHARD_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
};

export type ShardsConfig = z.infer<z.ZodObject<typeof shardsEnv>>;
