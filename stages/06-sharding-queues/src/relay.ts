import { closeGracefully, createMetricsRegistry, metricsListen } from '@scaling/app-kit';
import { startRelay } from '@scaling/events';
import { startMetricsServer } from '@scaling/metrics';
import { readShardRing } from '@scaling/shards';
import pino from 'pino';
import { loadRelayConfig } from './config.ts';
import { openEventDatabases } from './event-databases.ts';

// The relay: every outbox (the global database's and each shard's) to Kafka, in order per source. It runs apart
// from the app so that a broker away or slow costs the writers nothing: their rows wait in the outboxes. It opens a
// pool for every shard of SHARD_URLS but publishes only the shards of the global ring (active or joining), read
// again every few seconds: shard4 runs only once resharding starts it, and joins the ring then.
const config = loadRelayConfig();
const logger = pino({ level: config.LOG_LEVEL });
const registry = createMetricsRegistry();
const databases = openEventDatabases(config, logger, registry);
const metricsServer = await startMetricsServer(registry, metricsListen(config));
const relay = await startRelay({
  sources: [
    { name: 'global', pool: databases.global },
    ...[...databases.shards].map(([name, pool]) => ({ name, pool })),
  ],
  sourcesInUse: async () => [
    'global',
    ...(await readShardRing(databases.global)).map((member) => member.name),
  ],
  brokers: config.KAFKA_BROKERS,
  batchSize: config.RELAY_BATCH_SIZE,
  pollIntervalMs: config.RELAY_POLL_INTERVAL_MS,
  metrics: registry,
  log: logger,
});
closeGracefully(logger, 'relay', async () => {
  await relay.stop();
  await databases.end();
  await metricsServer.close();
});
logger.info(
  { shards: [...databases.shards.keys()], metricsUrl: metricsServer.url },
  'The relay is publishing the outboxes.',
);
