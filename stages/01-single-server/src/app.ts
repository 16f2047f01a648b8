import { conduit } from '@scaling/conduit';
import { postgresPlugin } from '@scaling/db';
import { articlePublished, jobsPlugin } from '@scaling/jobs';
import { createMemorySessionStore } from '@scaling/sessions';
import Fastify from 'fastify';
import type { Config } from './config.ts';

/** Stage 1: one process holds the API, the sessions and the job worker, next to Postgres on the same CPU. */
export async function buildApp(config: Config) {
  const app = Fastify({
    logger: { level: config.LOG_LEVEL, redact: ['req.headers.authorization'] },
  });
  await app.register(postgresPlugin, {
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
  });
  await app.register(jobsPlugin, {
    concurrency: config.JOBS_CONCURRENCY,
    enabled: config.JOBS_CONCURRENCY > 0,
  });
  await app.register(conduit, { sessions: createMemorySessionStore(), hooks: { articlePublished } });
  return app;
}
