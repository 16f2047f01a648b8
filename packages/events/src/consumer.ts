import {
  Consumer,
  type Message,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  stringDeserializers,
} from '@platformatic/kafka';
import { isDatabaseUnavailable, withTransaction } from '@scaling/db';
import type { Registry } from '@scaling/metrics';
import type pg from 'pg';
import { pause, retryBackoff } from './backoff.ts';
import { type ConsumeOutcome, createConsumerMetrics } from './consumer-metrics.ts';
import { EventsError } from './errors.ts';
import { type ConduitEvent, eventsTopic, eventsTopicPartitions } from './event-types.ts';
import { clientTimeouts, createEventProducer, type EventProducer, ensureTopics } from './kafka-clients.ts';
import type { EventsLogger } from './logger.ts';
import { createOffsetCommitter, type OffsetCommitter } from './offset-committer.ts';
import { parseEvent } from './parse-event.ts';
import { createPartitionQueues } from './partition-queues.ts';
import { failureHeaders, maxTries, retryTopics } from './retry-topics.ts';

export interface ConsumerOptions {
  /** The consumer group: also the name in processed_events and the prefix of its retry and dead-letter topics. */
  group: string;
  brokers: string[];
  /** The database of the handler's effects, with processed_events (migrateEvents). */
  db: pg.Pool;
  /** Applies one event inside `tx`; throwing sends the event to the next retry topic. */
  handle(event: ConduitEvent, tx: pg.PoolClient): Promise<void>;
  /** Delays before the second and third tries (default 1 s and 10 s). */
  retryDelaysMs?: [number, number];
  /** How often kafka_consumer_lag is refreshed (default 5 s). */
  lagIntervalMs?: number;
  metrics?: Registry;
  log: EventsLogger;
}

export interface EventConsumer {
  /** Finishes the message in hand, commits what was processed, leaves the group and closes the clients. */
  stop(): Promise<void>;
}

type StringMessage = Message<string, string, string, string>;

/** One topic the group reads: the events topic (first try) or a retry topic (later tries, after a delay). */
interface Tier {
  topic: string;
  /** The Kafka group of this tier's consumer: each tier has its own, so a delayed retry never holds up new events. */
  kafkaGroup: string;
  /** The try a message on this topic is. */
  tryNumber: number;
  delayMs: number;
  /** Where a message that fails here goes. */
  next: string;
  consumer: Consumer<string, string, string, string>;
}

const groupPattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const maxErrorLength = 1_000;
/** Messages taken from the stream and not yet finished, over all partitions of a tier: bounds memory. */
const maxQueuedMessages = 256;

function validate(options: ConsumerOptions): { retryDelaysMs: [number, number]; lagIntervalMs: number } {
  const { group, brokers, retryDelaysMs = [1_000, 10_000], lagIntervalMs = 5_000 } = options;
  if (!groupPattern.test(group)) {
    throw new EventsError(
      'EVENTS_INVALID_OPTIONS',
      `The consumer group "${group}" must be 1-63 lower-case letters, digits, "-" or "_": it names Kafka topics.`,
    );
  }
  if (brokers.length === 0) {
    throw new EventsError(
      'EVENTS_INVALID_OPTIONS',
      'startConsumer needs the Kafka brokers: pass brokers as host:port.',
    );
  }
  if (retryDelaysMs.some((delay) => !Number.isInteger(delay) || delay < 0 || delay > 3_600_000)) {
    throw new EventsError(
      'EVENTS_INVALID_OPTIONS',
      'retryDelaysMs must be two integers 0..3600000 (milliseconds).',
    );
  }
  if (!Number.isInteger(lagIntervalMs) || lagIntervalMs < 100 || lagIntervalMs > 300_000) {
    throw new EventsError(
      'EVENTS_INVALID_OPTIONS',
      `lagIntervalMs must be 100..300000; got ${lagIntervalMs}.`,
    );
  }
  return { retryDelaysMs, lagIntervalMs };
}

function describe(error: unknown): { message: string; code: string } {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return { message: message.slice(0, maxErrorLength), code: typeof code === 'string' ? code : '' };
}

/**
 * Consumes the events topic as `group`: each event is applied with its id recorded in processed_events in the same
 * transaction, so a redelivered event is skipped (at least once + idempotent = effectively once). An event whose
 * handler throws goes to `<group>.retry-1`, then `<group>.retry-2`, each read after its delay, then to
 * `<group>.dlt`, while the events behind it keep flowing. A database outage is no fault of the event: it waits.
 */
export async function startConsumer(options: ConsumerOptions): Promise<EventConsumer> {
  const { retryDelaysMs, lagIntervalMs } = validate(options);
  const { group, brokers, db, handle, log } = options;
  const topics = retryTopics(group);
  const metrics = createConsumerMetrics(options.metrics, group);
  const stopping = new AbortController();
  let producer: EventProducer | undefined;
  let topicsReady: Promise<void> | undefined;

  const newConsumer = (kafkaGroup: string) =>
    new Consumer({
      clientId: `conduit-${kafkaGroup}`,
      groupId: kafkaGroup,
      bootstrapBrokers: brokers,
      deserializers: stringDeserializers,
      autocommit: false,
      // A consumer that died without leaving holds its partitions for the session timeout: keep it short.
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTime: 500,
      highWaterMark: 128,
      ...clientTimeouts,
    });
  const tiers: Tier[] = [
    { topic: eventsTopic, kafkaGroup: group, tryNumber: 1, delayMs: 0, next: topics.retry1 },
    {
      topic: topics.retry1,
      kafkaGroup: topics.retry1,
      tryNumber: 2,
      delayMs: retryDelaysMs[0],
      next: topics.retry2,
    },
    {
      topic: topics.retry2,
      kafkaGroup: topics.retry2,
      tryNumber: 3,
      delayMs: retryDelaysMs[1],
      next: topics.deadLetters,
    },
  ].map((tier) => ({ ...tier, consumer: newConsumer(tier.kafkaGroup) }));

  const ensureOwnTopics = async () => {
    topicsReady ??= ensureTopics(
      brokers,
      `conduit-${group}-admin`,
      [eventsTopic, topics.retry1, topics.retry2, topics.deadLetters].map((name) => ({
        name,
        partitions: eventsTopicPartitions,
      })),
    );
    await topicsReady.catch((error: unknown) => {
      topicsReady = undefined;
      throw error;
    });
  };

  const apply = async (
    message: StringMessage,
  ): Promise<ConsumeOutcome | 'stopped' | { failure: unknown }> => {
    let event: ConduitEvent;
    try {
      event = parseEvent(message.value);
    } catch (error) {
      return { failure: error };
    }
    for (let outage = 1; ; outage++) {
      try {
        const applied = await withTransaction(db, async (tx) => {
          const { rowCount } = await tx.query(
            'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
            [group, event.id],
          );
          if (rowCount === 0) return false;
          await handle(event, tx);
          return true;
        });
        return applied ? 'processed' : 'duplicate';
      } catch (error) {
        if (!isDatabaseUnavailable(error)) return { failure: error };
        if (stopping.signal.aborted) return 'stopped';
        const delayMs = retryBackoff(outage);
        log.warn(
          { group, eventId: event.id, delayMs, err: error },
          'The consumer cannot reach its database; it waits and tries the event again.',
        );
        await pause(delayMs, stopping.signal);
      }
    }
  };

  const forward = async (tier: Tier, message: StringMessage, failure: unknown) => {
    const target = tier.tryNumber >= maxTries ? topics.deadLetters : tier.next;
    const { message: error, code } = describe(failure);
    const headers: Record<string, string> = Object.fromEntries(message.headers);
    headers[failureHeaders.originalTopic] ??= message.topic;
    headers[failureHeaders.originalPartition] ??= String(message.partition);
    headers[failureHeaders.originalOffset] ??= String(message.offset);
    headers[failureHeaders.error] = error;
    headers[failureHeaders.errorCode] = code;
    headers[failureHeaders.tries] = String(tier.tryNumber);
    const nextTier = tiers.find((candidate) => candidate.topic === target);
    if (nextTier) headers[failureHeaders.notBefore] = String(Date.now() + nextTier.delayMs);
    else delete headers[failureHeaders.notBefore];
    producer ??= createEventProducer(brokers, `conduit-${group}-retries`);
    const sending = producer;
    try {
      await sending.send({ messages: [{ topic: target, key: message.key, value: message.value, headers }] });
    } catch (sendError) {
      if (producer === sending) producer = undefined;
      sending.close().catch(() => {});
      throw sendError;
    }
    const eventId = headers['event-id'];
    if (nextTier) {
      metrics.consumed('retried');
      log.warn(
        { group, eventId, tries: tier.tryNumber, to: target, error },
        'An event failed; it is retried later.',
      );
    } else {
      metrics.consumed('dead_lettered');
      log.error(
        { group, eventId, tries: tier.tryNumber, to: target, error },
        `An event failed ${maxTries} times and went to the dead-letter topic; fix the cause, then replay it from there.`,
      );
    }
  };

  const consumeOne = async (tier: Tier, message: StringMessage, committer: OffsetCommitter) => {
    const notBefore = Number(message.headers.get(failureHeaders.notBefore) ?? 0);
    if (notBefore > Date.now()) await pause(notBefore - Date.now(), stopping.signal);
    if (stopping.signal.aborted) return;
    const outcome = await apply(message);
    if (outcome === 'stopped') return;
    if (typeof outcome === 'object') await forward(tier, message, outcome.failure);
    else metrics.consumed(outcome);
    // Not awaited: the next message need not wait for the round trip, and a commit lost to a crash only means
    // a redelivery that processed_events turns into a no-op. Later commits of the partition cover this one.
    committer.commit(message);
  };

  const stopped = new Promise<'stopped'>((resolve) =>
    stopping.signal.addEventListener('abort', () => resolve('stopped'), { once: true }),
  );

  /** One stream of a tier, from the group's committed offsets until stop, the stream's end or a failure. */
  const session = async (tier: Tier) => {
    await ensureOwnTopics();
    const stream = await tier.consumer.consume({
      topics: [tier.topic],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
    });
    const queues = createPartitionQueues(maxQueuedMessages);
    const committer = createOffsetCommitter(group, log);
    const failure = queues.failed.then((error) => ({ error }));
    try {
      const messages = stream[Symbol.asyncIterator]();
      for (;;) {
        const next = await Promise.race([messages.next(), stopped, failure]);
        if (next === 'stopped') return;
        if ('error' in next) throw next.error;
        if (next.done) throw new Error('The message stream ended.');
        const message = next.value;
        await queues.push(message.partition, () => consumeOne(tier, message, committer));
      }
    } finally {
      // The messages in hand finish and their offsets reach the broker before the stream closes, so a stop hands
      // the partitions over without redeliveries.
      await queues.settled();
      await committer.flush();
      committer.stop();
      await stream.close().catch(() => {});
    }
  };

  const run = async (tier: Tier) => {
    for (let failures = 1; !stopping.signal.aborted; failures++) {
      try {
        await session(tier);
        failures = 0;
      } catch (error) {
        if (stopping.signal.aborted) break;
        const delayMs = retryBackoff(failures);
        log.warn(
          { group, topic: tier.topic, delayMs, err: error },
          'The consumer lost Kafka (is the broker up?); it reconnects after a pause.',
        );
        await pause(delayMs, stopping.signal);
      }
    }
  };

  const refreshLag = async () => {
    for (const tier of tiers) {
      const latest = (await tier.consumer.listOffsets({ topics: [tier.topic] })).get(tier.topic) ?? [];
      const earliest =
        (await tier.consumer.listOffsets({ topics: [tier.topic], timestamp: -2n })).get(tier.topic) ?? [];
      const partitions = latest.map((_, partition) => partition);
      const committed =
        (await tier.consumer.listCommittedOffsets({ topics: [{ topic: tier.topic, partitions }] })).get(
          tier.topic,
        ) ?? [];
      for (const partition of partitions) {
        const end = latest[partition] ?? 0n;
        // -1: the group never committed here and starts from the earliest message still kept.
        const done =
          (committed[partition] ?? -1n) >= 0n ? (committed[partition] ?? 0n) : (earliest[partition] ?? 0n);
        metrics.lag(tier.topic, partition, Number(end > done ? end - done : 0n));
      }
    }
  };
  let lagRefresh: Promise<void> = Promise.resolve();
  const lagTimer = setInterval(() => {
    lagRefresh = lagRefresh.then(() =>
      refreshLag().catch((error: unknown) =>
        log.warn(
          { group, err: error },
          'The consumer lag could not be read from Kafka; the last figures stay.',
        ),
      ),
    );
  }, lagIntervalMs);

  const loops = tiers.map(run);
  log.info({ group, brokers, retryDelaysMs }, 'The event consumer started.');
  return {
    async stop() {
      stopping.abort();
      clearInterval(lagTimer);
      await Promise.all(loops);
      await lagRefresh;
      await Promise.all(tiers.map((tier) => tier.consumer.close(true).catch(() => {})));
      await producer?.close().catch(() => {});
      metrics.clear();
    },
  };
}
