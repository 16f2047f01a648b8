import { closeGracefully } from '@scaling/app-kit';
import { createPool } from '@scaling/db';
import { createWorker, jobHandlers } from '@scaling/jobs';
import pino from 'pino';
import { loadWorkerConfig } from './config.ts';

// Stage 2: the jobs leave the API process. A heavy job now spends this process's event loop, not the API's, and a
// crash takes down only this process, which its supervisor restarts; the jobs table is the only link between them.
const config = loadWorkerConfig();
const logger = pino({ level: config.LOG_LEVEL });
const pool = createPool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_MAX }, logger);
const worker = createWorker({ pool, handlers: jobHandlers, concurrency: config.JOBS_CONCURRENCY, logger });

// A running job gets 25 s to finish, inside compose's stop_grace_period (30 s); one cut short is retried after its lease.
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
