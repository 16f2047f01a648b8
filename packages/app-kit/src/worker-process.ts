import { createPool } from '@scaling/db';
import { createWorker, jobHandlers } from '@scaling/jobs';
import pino from 'pino';
import { z } from 'zod';
import {
  databasePoolOptions,
  databaseUrlEnv,
  loadEnvConfig,
  logLevelEnv,
  wholeNumber,
} from './env-config.ts';
import { closeGracefully } from './graceful.ts';

/** The worker process: its own event loop and its own small pool, through the same PgBouncer as the app. */
const workerConfigSchema = z.object({
  ...logLevelEnv,
  ...databaseUrlEnv,
  // A connection per running job, plus one to claim the next jobs and renew leases.
  DATABASE_POOL_MAX: wholeNumber(1, 4),
  JOBS_CONCURRENCY: wholeNumber(1, 2),
});

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return loadEnvConfig(workerConfigSchema, env);
}

/**
 * Runs every job kind until SIGTERM. A running job then gets 25 s to finish, inside compose's stop_grace_period
 * (30 s); one cut short is retried after its lease.
 */
export function runWorkerProcess(config: WorkerConfig): void {
  const logger = pino({ level: config.LOG_LEVEL });
  const pool = createPool(databasePoolOptions(config), logger);
  const worker = createWorker({ pool, handlers: jobHandlers, concurrency: config.JOBS_CONCURRENCY, logger });
  closeGracefully(
    logger,
    'worker',
    async () => {
      await worker.stop();
      await pool.end();
    },
    25_000,
  );
  worker.start();
  logger.info({ concurrency: config.JOBS_CONCURRENCY }, 'The worker is running jobs.');
}
