import type { Registry } from '@scaling/metrics';
import fp from 'fastify-plugin';
import { jobHandlers } from './handlers/index.ts';
import { observeJobQueue } from './queue-metrics.ts';
import type { AnyJobHandlers } from './types.ts';
import { createWorker } from './worker.ts';

export interface JobsPluginOptions {
  concurrency?: number;
  pollIntervalMs?: number;
  /** False when a separate worker process runs the jobs (stage 2 on): the app then only enqueues. */
  enabled?: boolean;
  /** The kinds this worker runs; every kind in jobHandlers when omitted. */
  handlers?: AnyJobHandlers;
  /** The process's registry, when the queue's depth and oldest age are reported (`jobs_queue_*`). */
  metrics?: Registry;
}

/** Runs the job worker inside the API process (stage 1): it starts once the app is ready and drains on close. */
export const jobsPlugin = fp<JobsPluginOptions>(
  async (app, options) => {
    if (options.enabled === false) return;
    const handlers: AnyJobHandlers = options.handlers ?? jobHandlers;
    const worker = createWorker({
      pool: app.pg,
      handlers,
      concurrency: options.concurrency,
      pollIntervalMs: options.pollIntervalMs,
      logger: app.log.child({ module: 'jobs' }),
    });
    if (options.metrics) {
      observeJobQueue({
        pool: app.pg,
        registry: options.metrics,
        kinds: Object.keys(handlers),
        logger: app.log,
      });
    }
    app.addHook('onReady', async () => worker.start());
    app.addHook('onClose', async () => worker.stop());
  },
  { name: 'jobs', dependencies: ['postgres'], fastify: '5.x' },
);
