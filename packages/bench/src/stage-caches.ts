import { stackRestart } from '@scaling/stack';
import { Redis } from 'ioredis';
import { waitForReplicas } from './replication.ts';
import { cacheRedisUrl, databaseServers, hasService } from './stage-services.ts';

/** The cache Redis, for the drills that expire a key or count what it holds; closes itself when done. */
export async function withCacheRedis<T>(stage: number, use: (redis: Redis) => Promise<T>): Promise<T> {
  const url = cacheRedisUrl(stage);
  if (!url) throw new Error(`Stage ${stage} runs no cache Redis (service "redis-cache").`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5_000 });
  await redis.connect();
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/**
 * A cold start after the seed replaced the data: the cache Redis flushed and the edge restarted (Varnish keeps its
 * objects in memory only), since neither saw the seed's writes, and the replicas caught up with it. A stage without
 * these services is left as it is.
 */
export async function startCold(stage: number, output: (line: string) => void): Promise<void> {
  if (hasService(stage, 'redis-cache')) {
    await withCacheRedis(stage, (redis) => redis.flushall());
    output('cache Redis flushed');
  }
  if (hasService(stage, 'varnish')) {
    await stackRestart(stage, 'varnish', { output: () => {} });
    output('edge cache (Varnish) restarted empty');
  }
  const waitedMs = await waitForReplicas(databaseServers(stage));
  if (waitedMs > 0) output(`replicas caught up with the primary in ${waitedMs} ms`);
}
