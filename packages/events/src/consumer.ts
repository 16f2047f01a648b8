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
import { monitorLag } from './consumer-lag.ts';
import { type ConsumeOutcome, createConsumerMetrics } from './consumer-metrics.ts';
import { EventsError } from './errors.ts';
import { type ConduitEvent, type EventType, eventsTopic, eventsTopicPartitions } from './event-types.ts';
import { createFailureForwarder } from './failure-forwarder.ts';
import { clientTimeouts, ensureTopics } from './kafka-clients.ts';
import type { EventsLogger } from './logger.ts';
import { createOffsetCommitter, type OffsetCommitter } from './offset-committer.ts';
import { parseEvent } from './parse-event.ts';
import { createPartitionQueues } from './partition-queues.ts';
import { failureHeaders, retryTopics } from './retry-topics.ts';

export interface ConsumerOptions {
  /** The consumer group: also the name in processed_events and the prefix of its retry and dead-letter topics. */
  group: string;
  brokers: string[];
  /** The database of the handler's effects, with processed_events (migrateEvents). */
  db: pg.Pool;
  /** Applies one event inside `tx`; throwing sends the event to the next retry topic. */
  handle(event: ConduitEvent, tx: pg.PoolClient): Promise<void>;
  /**
   * The event types `handle` acts on (default: every type). The others are committed without a transaction and
   * without a processed_events row: an event with no effect needs no record that its effect was made.
   */
  types?: readonly EventType[];
  /** Delays before the second and third tries (default 1 s and 10 s). */
  retryDelaysMs?: [number, number];
  /** How often kafka_consumer_lag is refreshed (default 5 s). */
  lagIntervalMs?: number;
  metrics?: Registry;
  log: EventsLogger;
}

export interface EventConsumer {
  /** Finishes the messages in hand, commits them, leaves the group and closes the clients. */
  stop(): Promise<void>;
}

type StringMessage = Message<string, string, string, string>;

/** One topic the group reads: the events topic (first try) or a retry topic (later tries, after a delay). */
interface Tier {
  topic: string;
  /** The try a message on this topic is. */
  tryNumber: number;
  /** Where a message that fails here goes, and after what delay it is read there (none: the dead-letter topic). */
  next: { target: string; delayMs: number | undefined };
  /** Each tier has a Kafka group of its own, so a retry waiting out its delay never holds up fresh events. */
  consumer: Consumer<string, string, string, string>;
}

const groupPattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Messages taken from the stream and not finished, over all partitions of a tier: bounds memory. */
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

function createTierConsumer(brokers: string[], kafkaGroup: string): Consumer<string, string, string, string> {
  return new Consumer({
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
}

/** How long joining the group and opening the stream may take before the session counts as failed. */
const joinTimeoutMs = 30_000;

/** The stream once the group is joined; a join that never answers fails the session, which then reconnects. */
async function joined<T>(consuming: Promise<T>, topic: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new EventsError(
            'EVENTS_JOIN_TIMEOUT',
            `Joining the consumer group of ${topic} took more than ${joinTimeoutMs / 1000} s; the consumer reconnects with a new client.`,
          ),
        ),
      joinTimeoutMs,
    );
  });
  try {
    return await Promise.race([consuming, timeout]);
  } finally {
    clearTimeout(timer);
  }
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
  const handled = options.types ? new Set<string>(options.types) : undefined;
  const topics = retryTopics(group);
  const metrics = createConsumerMetrics(options.metrics, group);
  const forwarder = createFailureForwarder({ group, brokers, metrics, log });
  const stopping = new AbortController();
  const kafkaGroupOf = (topic: string) => (topic === eventsTopic ? group : topic);
  const tiers: Tier[] = [
    { topic: eventsTopic, tryNumber: 1, next: { target: topics.retry1, delayMs: retryDelaysMs[0] } },
    { topic: topics.retry1, tryNumber: 2, next: { target: topics.retry2, delayMs: retryDelaysMs[1] } },
    { topic: topics.retry2, tryNumber: 3, next: { target: topics.deadLetters, delayMs: undefined } },
  ].map((tier) => ({
    ...tier,
    consumer: createTierConsumer(brokers, kafkaGroupOf(tier.topic)),
  }));

  let topicsReady: Promise<void> | undefined;
  const ensureOwnTopics = async () => {
    const names = [eventsTopic, topics.retry1, topics.retry2, topics.deadLetters];
    topicsReady ??= ensureTopics(
      brokers,
      `conduit-${group}-admin`,
      names.map((name) => ({ name, partitions: eventsTopicPartitions })),
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
    if (handled && !handled.has(event.type)) return 'ignored';
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

  const consumeOne = async (tier: Tier, message: StringMessage, committer: OffsetCommitter) => {
    const notBefore = Number(message.headers.get(failureHeaders.notBefore) ?? 0);
    if (notBefore > Date.now()) await pause(notBefore - Date.now(), stopping.signal);
    if (stopping.signal.aborted) return;
    const outcome = await apply(message);
    if (outcome === 'stopped') return;
    if (typeof outcome === 'object')
      await forwarder.forward(message, outcome.failure, { tryNumber: tier.tryNumber, ...tier.next });
    else metrics.consumed(outcome);
    committer.commit(message);
  };

  /** One stream of a tier, from the group's committed offsets until stop, the stream's end or a failure. */
  const session = async (tier: Tier) => {
    await ensureOwnTopics();
    const stream = await joined(
      tier.consumer.consume({
        topics: [tier.topic],
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      }),
      tier.topic,
    );
    const queues = createPartitionQueues();
    const committer = createOffsetCommitter(group, log);
    try {
      // Events rather than an async iterator: every listener is removed at the end, so nothing accumulates over a
      // long-running session, and pausing the stream is the backpressure.
      await new Promise<void>((resolve, reject) => {
        let finished = false;
        const finish = (error?: unknown) => {
          finished = true;
          stream.pause();
          stream.off('data', onData);
          stream.off('error', finish);
          stream.off('close', onClose);
          stopping.signal.removeEventListener('abort', onStop);
          if (error) reject(error);
          else resolve();
        };
        const onData = (message: StringMessage) => {
          queues.push(message.partition, () => consumeOne(tier, message, committer));
          if (queues.size >= maxQueuedMessages) stream.pause();
        };
        const onClose = () => finish(new Error('The message stream closed.'));
        const onStop = () => finish();
        queues.onTaskDone(() => {
          if (!finished && queues.size < maxQueuedMessages && stream.isPaused()) stream.resume();
        });
        queues.failed.then(finish);
        stream.on('data', onData);
        stream.once('error', finish);
        stream.once('close', onClose);
        stopping.signal.addEventListener('abort', onStop, { once: true });
        if (stopping.signal.aborted) finish();
      });
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
        // A client whose group join failed while the broker restarted was seen never to consume again (its next
        // consume() stayed silent): each reconnect starts from a new client.
        const failed = tier.consumer;
        tier.consumer = createTierConsumer(brokers, kafkaGroupOf(tier.topic));
        await failed.close(true).catch(() => {});
        await pause(delayMs, stopping.signal);
      }
    }
  };

  const lag = monitorLag({ sources: tiers, intervalMs: lagIntervalMs, metrics, log, group });
  const loops = tiers.map(run);
  log.info({ group, brokers, retryDelaysMs }, 'The event consumer started.');
  return {
    async stop() {
      stopping.abort();
      await Promise.all(loops);
      await lag.stop();
      await Promise.all(tiers.map((tier) => tier.consumer.close(true).catch(() => {})));
      await forwarder.close();
      metrics.clear();
    },
  };
}
