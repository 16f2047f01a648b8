import { createMetricsRegistry, type Registry } from '@scaling/metrics';
import {
  createOwnDatabase,
  eventually,
  type OwnDatabase,
  type TestKafka,
  uniqueSuffix,
} from '@scaling/testing';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type ConduitEvent,
  type ConsumerOptions,
  type EventConsumer,
  eventsTopic,
  failureHeaders,
  migrateEvents,
  retryTopics,
  startConsumer,
} from '../src/index.ts';
import { createEventProducer, ensureTopics, eventsTopicSpec } from '../src/kafka-clients.ts';
import { buildEvent } from './support/build-event.ts';
import { startCuttableLink } from './support/cuttable-link.ts';
import { asPublished, publishBatch, publishEvents } from './support/publish-events.ts';
import { startKafkaInSlot } from './support/test-kafka.ts';
import { type ReadMessage, startTopicReader, type TopicReader } from './support/topic-reader.ts';

const log = pino({ level: 'silent' });
let kafka: TestKafka;
let database: OwnDatabase;
const running: Array<EventConsumer | TopicReader> = [];

beforeAll(async () => {
  [kafka, database] = await Promise.all([
    startKafkaInSlot(2),
    createOwnDatabase(inject('databaseUrl'), 'events_consumer', migrateEvents),
  ]);
  // No unique constraint: an effect applied twice would show as two rows.
  await database.pool.query(
    'CREATE TABLE effects (consumer text NOT NULL, event_id uuid NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())',
  );
  await ensureTopics(kafka.brokers, 'events-test-admin', [eventsTopicSpec]);
}, 90_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((client) => client.stop()));
});

afterAll(async () => {
  await database?.drop();
  await kafka?.stop();
});

function buildGroup(purpose: string): string {
  return `${purpose}-${uniqueSuffix()}`;
}

/** The effect every test handler applies: a row naming the event, written in the consumer's transaction. */
async function recordEffect(group: string, event: ConduitEvent, tx: pg.PoolClient): Promise<void> {
  await tx.query('INSERT INTO effects (consumer, event_id) VALUES ($1, $2)', [group, event.id]);
}

async function effectsOf(
  group: string,
  events: ConduitEvent[],
): Promise<Array<{ event_id: string; applied_at: Date }>> {
  const { rows } = await database.pool.query<{ event_id: string; applied_at: Date }>(
    'SELECT event_id, applied_at FROM effects WHERE consumer = $1 AND event_id = ANY($2::uuid[]) ORDER BY applied_at',
    [group, events.map((event) => event.id)],
  );
  return rows;
}

async function sample(metrics: Registry, name: string, labels: Record<string, string>): Promise<number[]> {
  const metric = await metrics.getSingleMetric(name)?.get();
  return (metric?.values ?? [])
    .filter((value) => Object.entries(labels).every(([label, wanted]) => value.labels[label] === wanted))
    .map((value) => value.value);
}

/** Sends a one-off value to `topic`, to know when a reader has read everything sent before it. */
async function publishMarker(topic: string): Promise<string> {
  const marker = `marker-${uniqueSuffix()}`;
  const producer = createEventProducer(kafka.brokers, 'events-test-marker');
  try {
    await producer.send({ messages: [{ topic, key: marker, value: marker }] });
  } finally {
    await producer.close();
  }
  return marker;
}

/** The one message in the group's dead-letter topic, once it arrived (its 3 tries take a few seconds). */
async function theDeadLetter(group: string): Promise<ReadMessage | undefined> {
  const deadLetters = await startTopicReader(kafka.brokers, [retryTopics(group).deadLetters]);
  running.push(deadLetters);
  const [dead] = await eventually(
    async () => {
      expect(deadLetters.messages).toHaveLength(1);
      return deadLetters.messages;
    },
    { timeoutMs: 40_000 },
  );
  return dead;
}

/** A consumer of `group` on the test broker and database that records each event's effect, stopped after the test. */
async function startRecordingConsumer(
  group: string,
  overrides: Partial<Omit<ConsumerOptions, 'group'>> = {},
): Promise<EventConsumer> {
  const consumer = await startConsumer({
    group,
    brokers: kafka.brokers,
    db: database.pool,
    handle: (event, tx) => recordEffect(group, event, tx),
    log,
    ...overrides,
  });
  running.push(consumer);
  return consumer;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

describe('startConsumer', () => {
  it('When an event is delivered twice, then the consumer applies its effect once', async () => {
    const group = buildGroup('dedupe');
    const metrics = createMetricsRegistry();
    const first = buildEvent();
    const twice = asPublished(first);
    const after = asPublished(buildEvent({ key: first.key }));
    await publishEvents(kafka.brokers, [twice, twice, after]);

    await startRecordingConsumer(group, { metrics });

    // `after` follows both copies on the key's partition: once it is applied, both copies were handled.
    await eventually(async () => expect(await effectsOf(group, [after])).toHaveLength(1), {
      timeoutMs: 40_000,
    });
    expect(await effectsOf(group, [twice])).toHaveLength(1);
    expect(await sample(metrics, 'events_consumed_total', { group, outcome: 'duplicate' })).toEqual([1]);
  }, 60_000);

  it('When a consumer names the types it handles, then it applies those and commits the others without a record', async () => {
    const group = buildGroup('types');
    const metrics = createMetricsRegistry();
    const comment = asPublished(buildEvent({ type: 'comment.added' }));
    const published = asPublished(buildEvent({ key: comment.key }));
    await publishEvents(kafka.brokers, [comment, published]);

    await startRecordingConsumer(group, { metrics, types: ['article.published'] });

    // Same key, same partition: once `published` is applied, `comment` was finished before it.
    await eventually(async () => expect(await effectsOf(group, [published])).toHaveLength(1), {
      timeoutMs: 40_000,
    });
    expect(await effectsOf(group, [comment])).toHaveLength(0);
    const { rows } = await database.pool.query(
      'SELECT event_id FROM processed_events WHERE consumer = $1 AND event_id = $2',
      [group, comment.id],
    );
    expect(rows).toHaveLength(0);
    expect(await sample(metrics, 'events_consumed_total', { group, outcome: 'ignored' })).toEqual([1]);
  }, 60_000);

  it('When one event always fails, then it reaches the dead-letter topic after 3 tries with its story while the others flow', async () => {
    const group = buildGroup('poison');
    const poison = asPublished(buildEvent());
    const others = Array.from({ length: 10 }, (_, sequence) =>
      asPublished(buildEvent({ key: poison.key, data: { sequence } })),
    );
    const tries: string[] = [];
    await startRecordingConsumer(group, {
      retryDelaysMs: [500, 1_000],
      async handle(event, tx) {
        // The effect comes first, so the failure must roll it back.
        await recordEffect(group, event, tx);
        if (event.id !== poison.id) return;
        tries.push(new Date().toISOString());
        throw new Error('This event cannot be applied.');
      },
    });
    const [placed] = await publishEvents(kafka.brokers, [poison, ...others]);

    const dead = await theDeadLetter(group);
    expect(JSON.parse(dead?.value ?? '{}')).toEqual(poison);
    expect(dead?.key).toBe(poison.key);
    expect(Object.fromEntries(dead?.headers ?? [])).toMatchObject({
      [failureHeaders.error]: 'This event cannot be applied.',
      [failureHeaders.tries]: '3',
      [failureHeaders.originalTopic]: eventsTopic,
      [failureHeaders.originalPartition]: String(placed?.partition),
      [failureHeaders.originalOffset]: String(placed?.offset),
    });
    expect(tries).toHaveLength(3);
    expect(await effectsOf(group, [poison])).toEqual([]);
    const applied = await effectsOf(group, others);
    expect(applied.map((effect) => effect.event_id).sort()).toEqual(others.map((event) => event.id).sort());
    // The others did not wait for the poison's retries: all were applied before its last try.
    expect(Math.max(...applied.map((effect) => effect.applied_at.getTime()))).toBeLessThan(
      Date.parse(tries[2] ?? ''),
    );
  }, 60_000);

  it('When events pile up behind a slow handler, then kafka_consumer_lag shows them and returns to 0 once they are applied', async () => {
    const group = buildGroup('lag');
    const metrics = createMetricsRegistry();
    const key = buildEvent().key;
    const backlog = Array.from({ length: 15 }, () => asPublished(buildEvent({ key })));
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await startRecordingConsumer(group, {
      lagIntervalMs: 200,
      async handle(event, tx) {
        if (event.key === key) await released;
        await recordEffect(group, event, tx);
      },
      metrics,
    });
    await publishEvents(kafka.brokers, backlog);

    try {
      await eventually(
        async () =>
          expect(sum(await sample(metrics, 'kafka_consumer_lag', { group, topic: eventsTopic }))).toBe(
            backlog.length,
          ),
        { timeoutMs: 40_000, intervalMs: 200 },
      );
    } finally {
      release();
    }
    await eventually(
      async () =>
        expect(sum(await sample(metrics, 'kafka_consumer_lag', { group, topic: eventsTopic }))).toBe(0),
      { timeoutMs: 40_000, intervalMs: 200 },
    );
    expect(await effectsOf(group, backlog)).toHaveLength(backlog.length);
    expect(
      await sample(metrics, 'kafka_consumer_lag', { group, topic: retryTopics(group).retry1 }),
    ).not.toEqual([]);
  }, 90_000);
  it('When a message is not a Conduit event, then it reaches the dead-letter topic after 3 tries marked EVENTS_MALFORMED_MESSAGE', async () => {
    const group = buildGroup('malformed');
    const key = buildEvent().key;
    await startRecordingConsumer(group, { retryDelaysMs: [100, 100] });
    const producer = createEventProducer(kafka.brokers, 'events-test-raw-producer');
    try {
      await producer.send({ messages: [{ topic: eventsTopic, key, value: 'not json at all' }] });
    } finally {
      await producer.close();
    }

    const dead = await theDeadLetter(group);
    expect(dead?.value).toBe('not json at all');
    expect(Object.fromEntries(dead?.headers ?? [])).toMatchObject({
      [failureHeaders.errorCode]: 'EVENTS_MALFORMED_MESSAGE',
      [failureHeaders.tries]: '3',
    });
  }, 60_000);

  it('When a backlog larger than the consumer takes in at once arrives, then every event is applied exactly once', async () => {
    const group = buildGroup('backlog');
    const keys = Array.from({ length: 12 }, () => buildEvent().key);
    const backlog = Array.from({ length: 1_200 }, (_, index) =>
      asPublished(buildEvent({ key: keys[index % keys.length] })),
    );
    await publishBatch(kafka.brokers, backlog);

    await startRecordingConsumer(group);

    await eventually(async () => expect(await effectsOf(group, backlog)).toHaveLength(backlog.length), {
      timeoutMs: 60_000,
    });
    const applied = await effectsOf(group, backlog);
    expect(new Set(applied.map((effect) => effect.event_id)).size).toBe(backlog.length);
  }, 90_000);

  it('When a consumer stops and another takes over its group, then the successor starts after the last applied event', async () => {
    const group = buildGroup('handover');
    const key = buildEvent().key;
    const first = Array.from({ length: 5 }, () => asPublished(buildEvent({ key })));
    const second = Array.from({ length: 5 }, () => asPublished(buildEvent({ key })));
    const predecessorMetrics = createMetricsRegistry();
    const predecessor = await startRecordingConsumer(group, {
      metrics: predecessorMetrics,
      lagIntervalMs: 200,
    });
    await publishEvents(kafka.brokers, first);
    await eventually(async () => expect(await effectsOf(group, first)).toHaveLength(first.length), {
      timeoutMs: 40_000,
    });
    // An effect commits before its offset does: under load the last commit can still be on its way when the effects
    // are all visible. The handover is tested from the point where the broker holds every commit (lag 0).
    await eventually(
      async () =>
        expect(
          sum(await sample(predecessorMetrics, 'kafka_consumer_lag', { group, topic: eventsTopic })),
        ).toBe(0),
      { timeoutMs: 40_000, intervalMs: 200 },
    );
    await predecessor.stop();

    const metrics = createMetricsRegistry();
    await startRecordingConsumer(group, { metrics });
    await publishEvents(kafka.brokers, second);

    await eventually(async () => expect(await effectsOf(group, second)).toHaveLength(second.length), {
      timeoutMs: 40_000,
    });
    expect(await sample(metrics, 'events_consumed_total', { group, outcome: 'duplicate' })).toEqual([]);
    expect(await effectsOf(group, first)).toHaveLength(first.length);
  }, 90_000);

  it('When the consumer cannot reach its database, then the event waits without spending a try and is applied once it is back', async () => {
    const group = buildGroup('outage');
    const direct = new URL(database.url);
    const link = await startCuttableLink({ host: direct.hostname, port: Number(direct.port) });
    const throughLink = new URL(database.url);
    throughLink.port = String(link.port);
    const pool = new pg.Pool({
      connectionString: throughLink.toString(),
      max: 4,
      connectionTimeoutMillis: 1_000,
    });
    pool.on('error', () => {});
    try {
      await startRecordingConsumer(group, { db: pool, retryDelaysMs: [100, 100] });
      const warmUp = asPublished(buildEvent());
      await publishEvents(kafka.brokers, [warmUp]);
      await eventually(async () => expect(await effectsOf(group, [warmUp])).toHaveLength(1), {
        timeoutMs: 40_000,
      });

      await link.cut();
      const during = asPublished(buildEvent());
      await publishEvents(kafka.brokers, [during]);
      // Long enough for all three tries had the outage counted as failures (retry delays of 100 ms).
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await link.restore();

      await eventually(async () => expect(await effectsOf(group, [during])).toHaveLength(1), {
        timeoutMs: 40_000,
      });
      const retries = await startTopicReader(kafka.brokers, [retryTopics(group).retry1]);
      running.push(retries);
      // The reader starts at the topic's beginning: once it has the marker sent now, it has read all before it.
      const marker = await publishMarker(retryTopics(group).retry1);
      await eventually(async () =>
        expect(retries.messages.map((message) => message.value)).toContain(marker),
      );
      expect(retries.messages.filter((message) => message.headers.get('event-id') === during.id)).toEqual([]);
    } finally {
      await Promise.all(running.splice(0).map((client) => client.stop()));
      await pool.end();
      await link.close();
    }
  }, 90_000);

  it('When the broker restarts under a running consumer, then the consumer reconnects and applies the events sent after it', async () => {
    const group = buildGroup('restart');
    const before = asPublished(buildEvent());
    const after = asPublished(buildEvent());
    await startRecordingConsumer(group);
    await publishEvents(kafka.brokers, [before]);
    await eventually(async () => expect(await effectsOf(group, [before])).toHaveLength(1), {
      timeoutMs: 40_000,
    });

    await kafka.restart();
    await publishEvents(kafka.brokers, [after]);

    await eventually(async () => expect(await effectsOf(group, [after])).toHaveLength(1), {
      timeoutMs: 60_000,
    });
    expect(await effectsOf(group, [before])).toHaveLength(1);
  }, 120_000);
});
