import { databaseUrlEnv, listenEnv, loadEnvConfig, logLevelEnv, wholeNumber } from '@scaling/app-kit';
import { z } from 'zod';

const configSchema = z.object({
  ...listenEnv,
  ...logLevelEnv,
  // PgBouncer's address, not Postgres's: only the migrations, which need a session of their own, go around it.
  ...databaseUrlEnv,
  // Connections to PgBouncer are cheap: it lends each transaction one of its default_pool_size server connections.
  DATABASE_POOL_MAX: wholeNumber(1, 20),
});

/** The worker process: its own event loop and its own small pool, through the same PgBouncer. */
const workerConfigSchema = z.object({
  ...logLevelEnv,
  ...databaseUrlEnv,
  // A connection per running job, plus one to claim the next jobs and renew leases.
  DATABASE_POOL_MAX: wholeNumber(1, 4),
  JOBS_CONCURRENCY: wholeNumber(1, 2),
});

export type Config = z.infer<typeof configSchema>;
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadEnvConfig(configSchema, env);
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return loadEnvConfig(workerConfigSchema, env);
}
