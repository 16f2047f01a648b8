import type { Registry } from '@scaling/metrics';
import { closeRedisClient, createRedisClient, defaultCommandTimeoutMs, waitUntilReady } from '@scaling/redis';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type CacheAside, createCacheAside } from './cache-aside.ts';
import { createRedisCacheStore } from './redis-cache-store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    cache: CacheAside;
  }
}

export interface CachePluginOptions {
  /** The cache's own Redis (CACHE_REDIS_URL), never the sessions' one. */
  url: string;
  /** CACHE_TIMEOUT_MS: the longest a read waits for the cache before going to the database. */
  timeoutMs: number;
  metrics?: Registry;
}

/**
 * The cache Redis as `app.cache`, a CacheAside over its own client, closed with the app. It starts without waiting
 * long for Redis: the cache is an optimisation, and reads go to the database until it answers.
 */
async function cache(app: FastifyInstance, options: CachePluginOptions): Promise<void> {
  // The read gives up at timeoutMs; the client's own, longer timeout only ends commands a hung Redis never answers.
  // Equal to timeoutMs it would fail a reply that arrived while the event loop was busy, before it could be read.
  const client = createRedisClient(
    { url: options.url, commandTimeoutMs: Math.max(options.timeoutMs, defaultCommandTimeoutMs) },
    app.log,
  );
  app.decorate(
    'cache',
    createCacheAside({
      store: createRedisCacheStore(client),
      timeoutMs: options.timeoutMs,
      log: app.log,
      ...(options.metrics ? { metrics: options.metrics } : {}),
    }),
  );
  if (!(await waitUntilReady(client))) {
    app.log.warn({}, 'The cache Redis is not reachable yet; reads go to the database until it is.');
  }
  app.addHook('onClose', async () => closeRedisClient(client));
}

export const cachePlugin = fp(cache, { name: 'cache', fastify: '5.x' });
