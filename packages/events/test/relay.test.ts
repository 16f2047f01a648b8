import { withTransaction } from '@scaling/db';
import { createMetricsRegistry } from '@scaling/metrics';
import { createOwnDatabase, eventually, type OwnDatabase, type TestKafka } from '@scaling/testing';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  appendEvent,
  type ConduitEvent,
  eventsTopic,
  migrateEvents,
  type Relay,
  startRelay,
} from '../src/index.ts';
import { ensureTopics, eventsTopicSpec } from '../src/kafka-clients.ts';
import { buildEvent, type EventInput } from './support/build-event.ts';
import { startKafkaInSlot } from './support/test-kafka.ts';
import { startTopicReader, type TopicReader } from './support/topic-reader.ts';

const log = pino({ level: 'silent' });
let kafka: TestKafka;
let database: OwnDatabase;
let relay: Relay | undefined;
let reader: TopicReader | undefined;

beforeAll(async () => {
  [kafka, database] = await Promise.all([
    startKafkaInSlot(1),
    createOwnDatabase(inject('databaseUrl'), 'events_relay', migrateEvents),
  ]);
  await ensureTopics(kafka.brokers, 'events-test-admin', [eventsTopicSpec]);
}, 90_000);

afterEach(async () => {
  await relay?.stop();
  await reader?.stop();
  relay = undefined;
  reader = undefined;
});

afterAll(async () => {
  await database?.drop();
  await kafka?.stop();
});

/** Appends each event in a transaction of its own, as the app's writes do; returns the ids in commit order. */
async function appendAll(events: EventInput[]): Promise<string[]> {
  const ids: string[] = [];
  for (const event of events) ids.push(await withTransaction(database.pool, (tx) => appendEvent(tx, event)));
  return ids;
}

function publishedEvents(ids: string[]): ConduitEvent[] {
  const wanted = new Set(ids);
  return (reader?.messages ?? [])
    .map((message) => JSON.parse(message.value) as ConduitEvent)
    .filter((event) => wanted.has(event.id));
}

/** The events of `ids` the reader has seen, once there are at least as many as ids (duplicates would show). */
function allPublished(ids: string[]): Promise<ConduitEvent[]> {
  return eventually(
    async () => {
      const seen = publishedEvents(ids);
      expect(seen.length).toBeGreaterThanOrEqual(ids.length);
      return seen;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

async function unpublishedCount(ids: string[]): Promise<number> {
  const { rows } = await database.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM outbox WHERE event_id = ANY($1::uuid[]) AND published_at IS NULL',
    [ids],
  );
  return rows[0]?.n ?? -1;
}

describe('startRelay', () => {
  it('When events of three keys are appended, then the relay publishes every row once and in order per key', async () => {
    const keys = [buildEvent().key, buildEvent().key, buildEvent().key];
    const events = Array.from({ length: 90 }, (_, index) =>
      buildEvent({ key: keys[index % 3], data: { sequence: index } }),
    );
    const ids = await appendAll(events);
    reader = await startTopicReader(kafka.brokers, [eventsTopic]);

    relay = await startRelay({
      sources: [{ name: 'shard1', pool: database.pool }],
      brokers: kafka.brokers,
      batchSize: 7,
      log,
    });

    const published = await allPublished(ids);
    expect(new Set(published.map((event) => event.id)).size).toBe(published.length);
    for (const key of keys) {
      const expected = events.flatMap((event, index) => (event.key === key ? [ids[index]] : []));
      expect(published.filter((event) => event.key === key).map((event) => event.id)).toEqual(expected);
    }
    expect(published.find((event) => event.id === ids[0])).toMatchObject({
      type: 'article.published',
      key: keys[0],
      data: { sequence: 0 },
      occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(await unpublishedCount(ids)).toBe(0);
  }, 60_000);

  it('When two relays serve one outbox, then every row is still published once and in order', async () => {
    const key = buildEvent().key;
    const events = Array.from({ length: 60 }, (_, index) => buildEvent({ key, data: { sequence: index } }));
    reader = await startTopicReader(kafka.brokers, [eventsTopic]);
    const source = { name: 'shard1', pool: database.pool };
    const standby = await startRelay({
      sources: [source],
      brokers: kafka.brokers,
      batchSize: 5,
      pollIntervalMs: 10,
      log,
    });
    try {
      relay = await startRelay({
        sources: [source],
        brokers: kafka.brokers,
        batchSize: 5,
        pollIntervalMs: 10,
        log,
      });
      const ids = await appendAll(events);

      await eventually(async () => expect(await unpublishedCount(ids)).toBe(0), {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      const published = await allPublished(ids);
      expect(published.map((event) => event.id)).toEqual(ids);
    } finally {
      await standby.stop();
    }
  }, 60_000);

  it('When a source is not in use yet, then the relay leaves it alone and publishes it once it is named, without a restart', async () => {
    const metrics = createMetricsRegistry();
    // A database that does not run (as shard4 before resharding): polling it would fail on every try.
    const absent = new pg.Pool({
      connectionString: 'postgres://nobody@127.0.0.1:1/none',
      connectionTimeoutMillis: 500,
    });
    const named: string[] = [];
    let reads = 0;
    const ids = await appendAll(Array.from({ length: 10 }, () => buildEvent()));
    reader = await startTopicReader(kafka.brokers, [eventsTopic]);
    try {
      relay = await startRelay({
        sources: [
          { name: 'shard1', pool: database.pool },
          { name: 'shard4', pool: absent },
        ],
        sourcesInUse: async () => {
          reads += 1;
          return named;
        },
        sourcesRefreshMs: 50,
        brokers: kafka.brokers,
        pollIntervalMs: 20,
        metrics,
        log,
      });
      await eventually(async () => expect(reads).toBeGreaterThanOrEqual(5), {
        timeoutMs: 5_000,
        intervalMs: 50,
      });
      expect(await unpublishedCount(ids)).toBe(ids.length);

      named.push('shard1');
      await eventually(async () => expect(await unpublishedCount(ids)).toBe(0), {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      const published = await allPublished(ids);
      expect(published.map((event) => event.id).sort()).toEqual([...ids].sort());
      const failures = await metrics.getSingleMetric('relay_publish_failures_total')?.get();
      expect(failures?.values.filter((sample) => sample.labels.source === 'shard4')).toEqual([]);
    } finally {
      await relay?.stop();
      relay = undefined;
      await absent.end();
    }
  }, 60_000);

  it('When the broker is stopped while events are written, then they wait in the outbox and all arrive once it is back', async () => {
    const metrics = createMetricsRegistry();
    relay = await startRelay({
      sources: [{ name: 'shard1', pool: database.pool }],
      brokers: kafka.brokers,
      pollIntervalMs: 50,
      metrics,
      log,
    });
    const before = await appendAll([buildEvent()]);
    await eventually(async () => expect(await unpublishedCount(before)).toBe(0), {
      timeoutMs: 20_000,
      intervalMs: 100,
    });

    await kafka.kill();
    const key = buildEvent().key;
    const during = await appendAll(
      Array.from({ length: 20 }, (_, index) => buildEvent({ key, data: { sequence: index } })),
    );
    await eventually(
      async () => {
        const failures = await metrics.getSingleMetric('relay_publish_failures_total')?.get();
        expect(failures?.values[0]?.value ?? 0).toBeGreaterThan(0);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(await unpublishedCount(during)).toBe(during.length);
    const waiting = await metrics.getSingleMetric('outbox_unpublished')?.get();
    expect(waiting?.values).toContainEqual(
      expect.objectContaining({ labels: { source: 'shard1' }, value: during.length }),
    );

    await kafka.restart();
    reader = await startTopicReader(kafka.brokers, [eventsTopic]);
    const published = await eventually(
      async () => {
        const seen = publishedEvents(during);
        expect(new Set(seen.map((event) => event.id)).size).toBe(during.length);
        return seen;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(published.map((event) => event.id)).toEqual(during);
    expect(await unpublishedCount(during)).toBe(0);
  }, 120_000);
});
