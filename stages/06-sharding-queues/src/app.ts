import {
  buildConduitApp,
  createMetricsRegistry,
  type DrainSwitch,
  databasePoolOptions,
  metricsListen,
  replicaApiOptions,
  replicaServerOptions,
} from '@scaling/app-kit';
import { redisPlugin } from '@scaling/redis';
import { createShardedRepositories, shardsPlugin } from '@scaling/shards';
import { registerSignInKeys, signedSessions } from '@scaling/tokens';
import type { Config } from './config.ts';

/**
 * Stage 6: stage 5's replica (JWT sign-ins, Redis for login counts and idempotency keys) on sharded data. The
 * global database (`app.pg`) keeps the accounts, follows and tokens; each author's articles, comments and
 * favorites are on the shard the ring names (`app.shards`), and the repositories route every query there. Each
 * write appends its event to the outbox of the database it writes to, in the same transaction.
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
      await registerSignInKeys(app, config);
      await app.register(shardsPlugin, {
        shards: config.SHARD_URLS,
        global: app.pg,
        virtualNodes: config.SHARD_VIRTUAL_NODES,
        refreshMs: config.SHARD_ROUTING_REFRESH_MS,
        pool: databasePoolOptions({ ...config, DATABASE_POOL_MAX: config.SHARD_POOL_MAX }),
        metrics,
      });
    },
    repositories: (database, app) =>
      createShardedRepositories({ global: database.primary, shards: app.shards }),
    conduit: (app) => ({
      ...replicaApiOptions(app.redis, config, { drain, sessions: signedSessions(app, config) }),
      // No job queued beside the article: its event (appended by the repositories) sets off the follow-up work.
      hooks: {},
    }),
  });
}
