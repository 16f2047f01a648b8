import {
  buildConduitApp,
  createMetricsRegistry,
  credentialLimits,
  databasePoolOptions,
  metricsListen,
} from '@scaling/app-kit';
import { articlePublished, jobsPlugin } from '@scaling/jobs';
import { createMemoryRateLimiter } from '@scaling/rate-limit';
import { createMemorySessionStore } from '@scaling/sessions';
import type { Config } from './config.ts';

/** Stage 1: one process holds the API, the sessions and the job worker, next to Postgres on the same CPU. */
export async function buildApp(config: Config) {
  const metrics = createMetricsRegistry();
  const app = await buildConduitApp({
    logLevel: config.LOG_LEVEL,
    database: databasePoolOptions(config),
    metrics: { registry: metrics, listen: metricsListen(config) },
    conduit: {
      sessions: createMemorySessionStore(),
      hooks: { articlePublished },
      allowedOrigins: config.CORS_ORIGINS,
      // One process: its own memory counts the login and registration attempts.
      credentialThrottle: { limiter: createMemoryRateLimiter(), ...credentialLimits(config) },
    },
  });
  await app.register(jobsPlugin, {
    concurrency: config.JOBS_CONCURRENCY,
    enabled: config.JOBS_CONCURRENCY > 0,
    // The worker runs in this process, so the queue is reported here.
    metrics,
  });
  return app;
}
