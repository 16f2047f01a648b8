import {
  buildConduitApp,
  createMetricsRegistry,
  type DrainSwitch,
  databasePoolOptions,
  metricsListen,
  redisSessions,
  replicaApiOptions,
  replicaServerOptions,
} from '@scaling/app-kit';
import { cacheOutcome, cachePlugin, trackCacheOutcome } from '@scaling/cache';
import { createVarnishPurger, type EdgeCachingOptions, edgeCachingPlugin } from '@scaling/edge';
import { createReadPathRepositories } from '@scaling/read-path';
import { redisPlugin } from '@scaling/redis';
import { createWriteLsnStore, replicasPlugin } from '@scaling/replicas';
import type { Config } from './config.ts';

/**
 * How long a user's last write position is kept: long after every replica in rotation has replayed it, since a
 * replica lagging further than REPLICA_MAX_LAG_SECONDS leaves the rotation.
 */
const writeLsnTtlSeconds = 60;

/**
 * How long the edge may keep an anonymous answer (s-maxage), serve it stale while it refetches, and serve it stale
 * while the origin fails. A write bans what it changed at once, so these bound staleness only when a ban is lost.
 * Lists change with every new article: their copies are the shortest-lived.
 */
const edgePolicies: EdgeCachingOptions['routes'] = {
  articleList: { sharedMaxAge: 60, staleWhileRevalidate: 30, staleIfError: 600 },
  article: { sharedMaxAge: 300, staleWhileRevalidate: 60, staleIfError: 3600 },
  profile: { sharedMaxAge: 300, staleWhileRevalidate: 60, staleIfError: 3600 },
  tags: { sharedMaxAge: 300, staleWhileRevalidate: 60, staleIfError: 3600 },
};

/** The docs page and its OpenAPI document change only with a deploy; its hashed assets are immutable. */
const docsPolicy = { sharedMaxAge: 3600, staleWhileRevalidate: 86_400, staleIfError: 86_400 };

/**
 * Stage 4: stage 3's replica, reading through two caches and two read replicas. Anonymous GETs are marked public
 * for the edge (Varnish); what misses it reads through the cache Redis, then a replica that has replayed the
 * reader's last write (else the primary). Every write commits on the primary, then invalidates the cache keys,
 * bans the edge's copies by surrogate key and remembers the writer's LSN.
 */
export async function buildApp(config: Config, drain: DrainSwitch) {
  const metrics = createMetricsRegistry();
  return buildConduitApp({
    logLevel: config.LOG_LEVEL,
    server: replicaServerOptions(config),
    database: databasePoolOptions(config),
    metrics: { registry: metrics, listen: metricsListen(config) },
    clients: async (app) => {
      await app.register(redisPlugin, { url: config.REDIS_URL, metrics });
      if (config.CACHE_REDIS_URL) {
        await app.register(cachePlugin, {
          url: config.CACHE_REDIS_URL,
          timeoutMs: config.CACHE_TIMEOUT_MS,
          metrics,
        });
      }
      await app.register(replicasPlugin, {
        urls: config.DATABASE_REPLICA_URLS,
        primary: app.pg,
        pool: databasePoolOptions(config),
        pollIntervalMs: config.REPLICA_POLL_INTERVAL_MS,
        maxLagSeconds: config.REPLICA_MAX_LAG_SECONDS,
        metrics,
      });
      // Each request records its own cache reads, which X-Cache reports (hit, miss, bypass; absent: none made).
      app.addHook('onRequest', (_request, _reply, done) => {
        trackCacheOutcome();
        done();
      });
      // Cache-Control, ETag/304 and Surrogate-Key for the edge on every answer.
      await app.register(edgeCachingPlugin, {
        routes: edgePolicies,
        docs: { prefix: '/api/docs', documentUrl: '/api/openapi.json', policy: docsPolicy },
        cacheOutcome,
      });
    },
    repositories: (database, app) =>
      createReadPathRepositories({
        primary: database.primary,
        replicas: app.replicas,
        ...(config.CACHE_REDIS_URL ? { cache: app.cache } : {}),
        ...(config.READ_YOUR_WRITES === 'on'
          ? { writeLsn: createWriteLsnStore(app.redis, { ttlSeconds: writeLsnTtlSeconds }) }
          : {}),
        ...(config.EDGE_PURGE_URLS.length > 0
          ? {
              edge: createVarnishPurger({
                urls: config.EDGE_PURGE_URLS,
                timeoutMs: config.EDGE_PURGE_TIMEOUT_MS,
                ...(config.EDGE_PURGE_TOKEN ? { token: config.EDGE_PURGE_TOKEN } : {}),
                // A miss between the commit and a replica replaying it may put the old answer back at the edge;
                // a second ban once every replica in rotation has replayed the commit drops it.
                rebanAfterMs: config.REPLICA_MAX_LAG_SECONDS * 1000,
                log: app.log,
                metrics,
              }),
            }
          : {}),
      }),
    conduit: (app) => ({
      ...replicaApiOptions(app.redis, config, { drain, sessions: redisSessions(app.redis, config) }),
      // GET /api/health shows each read replica's lag and whether it is in rotation, from the last poll.
      healthDetails: () => ({ replicas: app.replicas.status() }),
    }),
  });
}
