import { closeGracefully, createMetricsRegistry, metricsListen } from '@scaling/app-kit';
import { startConsumer } from '@scaling/events';
import { createWorker, jobHandlers, observeJobQueue } from '@scaling/jobs';
import { startMetricsServer } from '@scaling/metrics';
import pino from 'pino';
import { loadWorkerConfig } from './config.ts';
import { openEventDatabases } from './event-databases.ts';
import { queueTagRecount, recountTagsOnShards, tagCountEvents } from './popular-tags.ts';
import { weeklyDigestOnShards } from './weekly-digest.ts';

// Stage 5's worker process, fed by events: the consumer group `worker` turns each event into the background work
// the writer used to queue itself, and the jobs run as before (the tag recount and the weekly digest now ask every
// shard).
const config = loadWorkerConfig();
const logger = pino({ level: config.LOG_LEVEL });
const registry = createMetricsRegistry();
const databases = openEventDatabases(config, logger, registry);
const handlers = {
  ...jobHandlers,
  'recompute-popular-tags': recountTagsOnShards(databases.shards),
  'weekly-digest': weeklyDigestOnShards(databases.shards),
};
observeJobQueue({ pool: databases.global, registry, kinds: Object.keys(handlers), logger });
const metricsServer = await startMetricsServer(registry, metricsListen(config));
const jobs = createWorker({
  pool: databases.global,
  handlers,
  concurrency: config.JOBS_CONCURRENCY,
  logger,
});
const consumer = await startConsumer({
  group: 'worker',
  brokers: config.KAFKA_BROKERS,
  db: databases.global,
  handle: (_event, tx) => queueTagRecount(tx),
  types: tagCountEvents,
  retryDelaysMs: config.CONSUMER_RETRY_DELAYS_MS,
  metrics: registry,
  log: logger,
});
// A running job gets 25 s to finish, inside compose's stop_grace_period (30 s); one cut short is retried.
closeGracefully(
  logger,
  'worker',
  async () => {
    await consumer.stop();
    await jobs.stop();
    await databases.end();
    await metricsServer.close();
  },
  25_000,
);
jobs.start();
logger.info(
  { concurrency: config.JOBS_CONCURRENCY, metricsUrl: metricsServer.url },
  'The worker is running jobs and consuming events as group worker.',
);
