import {
  buildConduitApp,
  createMetricsRegistry,
  credentialLimits,
  databasePoolOptions,
  metricsListen,
} from '@scaling/app-kit';
import { articlePublished } from '@scaling/jobs';
import { createMemoryRateLimiter } from '@scaling/rate-limit';
import { createMemorySessionStore } from '@scaling/sessions';
import type { Config } from './config.ts';

/**
 * Stage 2: the API alone on the app host. Its pool goes through PgBouncer to Postgres on the DB host, and it only
 * enqueues jobs (articlePublished writes them in the article's transaction): the worker process runs them.
 */
export async function buildApp(config: Config) {
  return buildConduitApp({
    logLevel: config.LOG_LEVEL,
    database: databasePoolOptions(config),
    metrics: { registry: createMetricsRegistry(), listen: metricsListen(config) },
    conduit: {
      sessions: createMemorySessionStore(),
      hooks: { articlePublished },
      allowedOrigins: config.CORS_ORIGINS,
      // One process: its own memory counts the login and registration attempts.
      credentialThrottle: { limiter: createMemoryRateLimiter(), ...credentialLimits(config) },
    },
  });
}
