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
import { readPath } from '@scaling/app-kit/read-path';
import { redisPlugin } from '@scaling/redis';
import type { Config } from './config.ts';

/**
 * Stage 4: stage 3's replica, reading through two caches and two read replicas. Anonymous GETs are marked public
 * for the edge (Varnish); what misses it reads through the cache Redis, then a replica that has replayed the
 * reader's last write (else the primary). Every write commits on the primary, then invalidates the cache keys,
 * bans the edge's copies by surrogate key and remembers the writer's LSN. The wiring is `readPath` in app-kit,
 * since every later stage reads the same way.
 */
export async function buildApp(config: Config, drain: DrainSwitch) {
  const metrics = createMetricsRegistry();
  const reads = readPath(config, metrics);
  return buildConduitApp({
    logLevel: config.LOG_LEVEL,
    server: replicaServerOptions(config),
    database: databasePoolOptions(config),
    metrics: { registry: metrics, listen: metricsListen(config) },
    clients: async (app) => {
      await app.register(redisPlugin, { url: config.REDIS_URL, metrics });
      await reads.clients(app);
    },
    repositories: reads.repositories,
    conduit: (app) => ({
      ...replicaApiOptions(app.redis, config, { drain, sessions: redisSessions(app.redis, config) }),
      healthDetails: reads.healthDetails(app),
    }),
  });
}
