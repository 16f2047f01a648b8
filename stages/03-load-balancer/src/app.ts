import {
  buildConduitApp,
  createMetricsRegistry,
  credentialLimits,
  type DrainSwitch,
  databasePoolOptions,
  metricsListen,
} from '@scaling/app-kit';
import { createRedisIdempotencyStore } from '@scaling/idempotency';
import { articlePublished } from '@scaling/jobs';
import { createRedisRateLimiter } from '@scaling/rate-limit';
import { redisPlugin } from '@scaling/redis';
import { createMemorySessionStore, createRedisSessionStore } from '@scaling/sessions';
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
    server: {
      keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
      // A request that still reaches a closing server (on a connection opened before) is served, not refused:
      // the pools close only after the last request, and a 503 would fail a POST that nginx must not retry.
      return503OnClosing: false,
      // The client's address (logs, rate limits) is the one nginx saw: the last entry it adds to X-Forwarded-For.
      trustedProxies: config.TRUSTED_PROXIES,
    },
    database: databasePoolOptions(config),
    metrics: { registry: metrics, listen: metricsListen(config) },
    clients: async (app) => {
      await app.register(redisPlugin, { url: config.REDIS_URL, metrics });
    },
    conduit: (app) => ({
      sessions:
        config.SESSION_STORE === 'redis'
          ? createRedisSessionStore(app.redis, {
              idleTtlSeconds: config.SESSION_IDLE_TTL_SECONDS,
              absoluteTtlSeconds: config.SESSION_ABSOLUTE_TTL_SECONDS,
            })
          : createMemorySessionStore(),
      idempotency: createRedisIdempotencyStore(app.redis, { secret: config.IDEMPOTENCY_SECRET }),
      hooks: { articlePublished },
      instanceName: config.INSTANCE_NAME,
      isDraining: drain.isDraining,
      allowedOrigins: config.CORS_ORIGINS,
      // Counted in Redis: an attacker spreading attempts over the replicas meets one limit, not one per replica.
      credentialThrottle: { limiter: createRedisRateLimiter(app.redis), ...credentialLimits(config) },
    }),
  });
}
