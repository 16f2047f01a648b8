import { createPool } from '@scaling/db';
import { createWorker, jobHandlers, observeJobQueue } from '@scaling/jobs';
import { createMetricsRegistry, startMetricsServer } from '@scaling/metrics';
import pino from 'pino';
import { z } from 'zod';
import {
  databasePoolOptions,
  databaseUrlEnv,
  listenEnv,
  loadEnvConfig,
  logLevelEnv,
  metricsEnv,
  metricsListen,
  wholeNumber,
} from './env-config.ts';
import { closeGracefully } from './graceful.ts';

/** The worker process: its own event loop and its own small pool, through the same PgBouncer as the app. */
const workerConfigSchema = z.object({
  ...logLevelEnv,
  ...databaseUrlEnv,
  // The worker serves no API, only its metrics, on this address.
  HOST: listenEnv.HOST,
  ...metricsEnv,
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
 * (30 s); one cut short is retried after its lease. The queue's depth and age are reported here, by the process
 * that drains it, with its pool and its event loop.
 */
export async function runWorkerProcess(config: WorkerConfig): Promise<void> {
  const logger = pino({ level: config.LOG_LEVEL });
  const registry = createMetricsRegistry();
  const pool = createPool(databasePoolOptions(config), logger, { registry });
  observeJobQueue({ pool, registry, kinds: Object.keys(jobHandlers), logger });
  const metricsServer = await startMetricsServer(registry, metricsListen(config));
  const worker = createWorker({ pool, handlers: jobHandlers, concurrency: config.JOBS_CONCURRENCY, logger });
  closeGracefully(
    logger,
    'worker',
    async () => {
      await worker.stop();
      await pool.end();
      await metricsServer.close();
    },
    25_000,
  );
  worker.start();
  logger.info(
    { concurrency: config.JOBS_CONCURRENCY, metricsUrl: metricsServer.url },
    'The worker is running jobs.',
  );
}
