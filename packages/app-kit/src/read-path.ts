import { cacheOutcome, cachePlugin, trackCacheOutcome } from '@scaling/cache';
import type { ConduitAppOptions } from '@scaling/conduit';
import { createVarnishPurger, type EdgeCachingOptions, edgeCachingPlugin } from '@scaling/edge';
import type { Registry } from '@scaling/metrics';
import { createReadPathRepositories } from '@scaling/read-path';
import type {} from '@scaling/redis';
import { createWriteLsnStore, replicasPlugin } from '@scaling/replicas';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { databasePoolOptions, urlList, wholeNumber } from './env-config.ts';

/**
 * What an app replica reads to serve reads through the edge, the cache and the read replicas (stages 4 on), beside
 * `apiEnv` and `replicaEnv`. Each part left unset is switched off, so an unset environment runs as stage 3.
 */
export const readPathEnv = {
  // DATABASE_URL is the primary's PgBouncer: writes, transactions, and the reads no replica can serve fresh enough.
  DATABASE_POOL_MAX: wholeNumber(1, 10),
  // One PgBouncer per read replica, each given a pool of DATABASE_POOL_MAX. Empty: every read on the primary.
  DATABASE_REPLICA_URLS: urlList(/^postgres(ql)?$/, 'postgres://user:password@host:6432/conduit'),
  // A replica further behind than this leaves the rotation (it rejoins within half of it).
  REPLICA_MAX_LAG_SECONDS: z.coerce.number().positive().default(2),
  // How often each replica's replayed position is read: reads are routed from the last poll, never by asking.
  REPLICA_POLL_INTERVAL_MS: wholeNumber(10, 100),
  // on: a user's reads go only to a replica that has replayed their last write. off: to any replica in rotation.
  READ_YOUR_WRITES: z.enum(['on', 'off']).default('on'),
  // The cache's own Redis (evicting, not persisted), apart from REDIS_URL's (noeviction, persisted).
  // Empty: no cache-aside, every read goes to a database.
  CACHE_REDIS_URL: z.union([z.literal(''), z.url({ protocol: /^rediss?$/ })]).default(''),
  // A cache command slower than this is given up and the read goes to the database (fail-open).
  CACHE_TIMEOUT_MS: wholeNumber(1, 50),
  // Every edge (Varnish) that keeps copies: a write bans its surrogate keys on each. Empty: copies only expire.
  EDGE_PURGE_URLS: urlList(/^https?$/, 'http://varnish:8080'),
  // An edge that has not answered a ban within this counts as unreachable; the write succeeds all the same.
  EDGE_PURGE_TIMEOUT_MS: wholeNumber(1, 500),
  // Sent with every ban when set; the edges given the same EDGE_PURGE_TOKEN refuse a ban without it.
  EDGE_PURGE_TOKEN: z.string().default(''),
};

/** A read path's configuration: `readPathEnv` and the database settings its replica pools copy. */
export type ReadPathConfig = z.infer<z.ZodObject<typeof readPathEnv>> &
  Parameters<typeof databasePoolOptions>[0];

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

export interface ReadPath {
  /** The cache Redis, the read replicas and the edge headers; registered after the shared Redis (`app.redis`). */
  clients(app: FastifyInstance): Promise<void>;
  /** The read-path repositories, for `buildConduitApp`'s `repositories`. */
  repositories: NonNullable<ConduitAppOptions['repositories']>;
  /** GET /api/health's details: each read replica's lag and whether it is in rotation, from the last poll. */
  healthDetails(app: FastifyInstance): () => Record<string, unknown>;
}

/**
 * Stage 4's read path, for every stage from 4 on: anonymous GETs are marked public for the edge (Varnish); what
 * misses it reads through the cache Redis, then a replica that has replayed the reader's last write (else the
 * primary). Every write commits on the primary, then invalidates the cache keys, bans the edge's copies by
 * surrogate key and remembers the writer's LSN in the shared Redis.
 */
export function readPath(config: ReadPathConfig, metrics: Registry): ReadPath {
  return {
    async clients(app) {
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
    healthDetails: (app) => () => ({ replicas: app.replicas.status() }),
  };
}
