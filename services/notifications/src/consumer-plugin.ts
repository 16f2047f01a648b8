import { type EventConsumer, startConsumer } from '@scaling/events';
import type { Registry } from '@scaling/metrics';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { applyEvent } from './event-effects.ts';

export interface ConsumerPluginOptions {
  brokers: string[];
  /** Delays of the two retry topics; @scaling/events' defaults (1 s, 10 s) unless a test shortens them. */
  retryDelaysMs?: [number, number];
  metrics?: Registry;
}

/** The consumer group: every replica of the service shares the topic's partitions. */
export const consumerGroup = 'notifications';

/**
 * Consumes `conduit.events` into the service's tables from the moment the app is ready until it closes, before the
 * pool it writes through ends. The consumer reconnects by itself: Kafka away at boot or later leaves the API
 * serving, and the events wait in Kafka until it is back.
 */
async function eventsConsumer(app: FastifyInstance, options: ConsumerPluginOptions): Promise<void> {
  let consumer: EventConsumer | undefined;
  app.addHook('onReady', async () => {
    consumer = await startConsumer({
      group: consumerGroup,
      brokers: options.brokers,
      db: app.pg,
      handle: applyEvent,
      ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      log: app.log.child({ component: 'events-consumer' }),
    });
  });
  app.addHook('onClose', async () => {
    await consumer?.stop();
  });
}

/** The consumer group `notifications` on `conduit.events`, stopped when the app closes. */
export const eventsConsumerPlugin = fp(eventsConsumer, {
  name: 'events-consumer',
  fastify: '5.x',
  dependencies: ['postgres'],
});
