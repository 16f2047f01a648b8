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
import { redisPlugin } from '@scaling/redis';
import { createMemorySessionStore } from '@scaling/sessions';
import type { Config } from './config.ts';

/**
 * Stage 3: one of N identical replicas behind nginx. Nothing a request needs lives in this process any more:
 * sessions and idempotency keys are in Redis, data in Postgres (through PgBouncer), jobs in the worker.
 * Any replica can serve any request, and any replica can die.
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
    },
    conduit: (app) =>
      replicaApiOptions(app.redis, config, {
        drain,
        sessions:
          config.SESSION_STORE === 'redis' ? redisSessions(app.redis, config) : createMemorySessionStore(),
      }),
  });
}
