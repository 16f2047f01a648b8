import { withTransaction } from '@scaling/db';
import type { Registry } from '@scaling/metrics';
import type pg from 'pg';
import { pause, retryBackoff } from './backoff.ts';
import { EventsError } from './errors.ts';
import type { ConduitEvent } from './event-types.ts';
import { createEventProducer, type EventProducer, ensureTopics, eventsTopicSpec } from './kafka-clients.ts';
import type { EventsLogger } from './logger.ts';
import { createRelayMetrics, type RelayMetrics } from './relay-metrics.ts';

export interface RelaySource {
  /** Names the source in logs and metrics (`global`, `shard1`). */
  name: string;
  pool: pg.Pool;
}

export interface RelayOptions {
  sources: RelaySource[];
  brokers: string[];
  /** Rows per batch, 1..10000 (default 500). */
  batchSize?: number;
  /** Wait between polls of an empty outbox (default 200 ms). */
  pollIntervalMs?: number;
  /**
   * The names of the sources in use now (default: every source), asked again every `sourcesRefreshMs`. A source
   * not named is left alone instead of failing and retrying, so a database that runs only later (a shard that
   * resharding adds) is published from as soon as it is named, without a restart. A failed read keeps the last answer.
   */
  sourcesInUse?: () => Promise<readonly string[]>;
  /** How often `sourcesInUse` is asked again (default 5000 ms). */
  sourcesRefreshMs?: number;
  metrics?: Registry;
  log: EventsLogger;
}

export interface Relay {
  /** Ends every loop after its current batch, then closes the producer. */
  stop(): Promise<void>;
}

interface OutboxRow {
  position: string;
  event_id: string;
  topic: string;
  key: string;
  type: ConduitEvent['type'];
  payload: Record<string, unknown>;
  created_at: Date;
}

// One relay at a time publishes a given outbox: two interleaving batches could reorder a key's events.
// A second relay (a standby replica) finds the lock held and stays idle until the first one dies.
const relayLockKey = 0x72656c6179;

function validate(
  options: RelayOptions,
): Required<Pick<RelayOptions, 'batchSize' | 'pollIntervalMs' | 'sourcesRefreshMs'>> {
  const { sources, brokers, batchSize = 500, pollIntervalMs = 200, sourcesRefreshMs = 5_000 } = options;
  const names = new Set(sources.map((source) => source.name));
  if (sources.length === 0 || names.size !== sources.length) {
    throw new EventsError(
      'EVENTS_INVALID_OPTIONS',
      'startRelay needs at least one source, each with a distinct name: pass { name, pool } per outbox database.',
    );
  }
  if (brokers.length === 0) {
    throw new EventsError(
      'EVENTS_INVALID_OPTIONS',
      'startRelay needs the Kafka brokers: pass brokers as host:port.',
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new EventsError(
      'EVENTS_INVALID_OPTIONS',
      `batchSize must be an integer 1..10000; got ${batchSize}.`,
    );
  }
  if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 10 || pollIntervalMs > 60_000) {
    throw new EventsError(
      'EVENTS_INVALID_OPTIONS',
      `pollIntervalMs must be 10..60000; got ${pollIntervalMs}.`,
    );
  }
  if (!Number.isInteger(sourcesRefreshMs) || sourcesRefreshMs < 10 || sourcesRefreshMs > 600_000) {
    throw new EventsError(
      'EVENTS_INVALID_OPTIONS',
      `sourcesRefreshMs must be 10..600000; got ${sourcesRefreshMs}.`,
    );
  }
  return { batchSize, pollIntervalMs, sourcesRefreshMs };
}

/** The error to log: a missing outbox says what to run instead of Postgres's "relation does not exist". */
function explain(error: unknown): unknown {
  if ((error as { code?: string }).code !== '42P01') return error;
  return new EventsError(
    'EVENTS_OUTBOX_MISSING',
    'The outbox table does not exist in this source database: run migrateEvents(databaseUrl) from @scaling/events on it.',
    { cause: error },
  );
}

function toMessage(row: OutboxRow) {
  const event: ConduitEvent = {
    id: row.event_id,
    type: row.type,
    key: row.key,
    occurredAt: row.created_at.toISOString(),
    data: row.payload,
  };
  return {
    topic: row.topic,
    key: row.key,
    value: JSON.stringify(event),
    headers: { 'event-id': row.event_id, 'event-type': row.type },
  };
}

/**
 * Publishes every outbox row of every source to Kafka, oldest first, then marks it published. A row is marked only
 * after the broker acknowledged it, so a crash in between publishes it again (at least once; consumers deduplicate
 * by event id). While the broker is away the batch rolls back and the rows wait; the loop retries with backoff.
 */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const { batchSize, pollIntervalMs, sourcesRefreshMs } = validate(options);
  const { sources, brokers, sourcesInUse, log } = options;
  const metrics: RelayMetrics = createRelayMetrics(options.metrics, sources);
  const stopping = new AbortController();
  let producer: EventProducer | undefined;
  let topicsReady: Promise<void> | undefined;

  const connected = async (): Promise<EventProducer> => {
    topicsReady ??= ensureTopics(brokers, 'conduit-relay-admin', [eventsTopicSpec]);
    await topicsReady.catch((error: unknown) => {
      topicsReady = undefined;
      throw error;
    });
    producer ??= createEventProducer(brokers, 'conduit-relay');
    return producer;
  };

  // After a failed send the producer's sequence numbers may no longer match the broker's: a new producer (a new
  // producer id) starts clean, and a batch it repeats is one more duplicate the consumers already absorb.
  const discard = (failed: EventProducer | undefined) => {
    if (!failed || producer !== failed) return;
    producer = undefined;
    failed.close().catch(() => {});
  };

  const publishBatch = (source: RelaySource) =>
    withTransaction(source.pool, async (tx) => {
      const { rows: lock } = await tx.query<{ held: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1) AS held',
        [relayLockKey],
      );
      if (!lock[0]?.held) return 0;
      const { rows } = await tx.query<OutboxRow>(
        `SELECT position, event_id, topic, key, type, payload, created_at FROM outbox
          WHERE published_at IS NULL ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      const client = await connected();
      try {
        await client.send({ messages: rows.map(toMessage) });
      } catch (error) {
        discard(client);
        throw error;
      }
      await tx.query('UPDATE outbox SET published_at = now() WHERE position = ANY($1::bigint[])', [
        rows.map((row) => row.position),
      ]);
      return rows.length;
    });

  let inUse: ReadonlySet<string> = new Set(sourcesInUse ? [] : sources.map((source) => source.name));
  const readSourcesInUse = async (read: () => Promise<readonly string[]>) => {
    try {
      const names = new Set(await read());
      const joined = sources.filter(({ name }) => names.has(name) && !inUse.has(name));
      if (joined.length > 0)
        log.info({ sources: joined.map(({ name }) => name) }, 'The relay publishes these sources now.');
      inUse = names;
    } catch (error) {
      log.warn(
        { err: error },
        'The relay could not read which sources are in use; it keeps the last ones and asks again.',
      );
    }
  };
  const followSourcesInUse = async (read: () => Promise<readonly string[]>) => {
    while (!stopping.signal.aborted) {
      await pause(sourcesRefreshMs, stopping.signal);
      if (!stopping.signal.aborted) await readSourcesInUse(read);
    }
  };

  const run = async (source: RelaySource) => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      if (!inUse.has(source.name)) {
        await pause(pollIntervalMs, stopping.signal);
        continue;
      }
      try {
        const published = await publishBatch(source);
        if (failures > 0) log.info({ source: source.name, failures }, 'The relay publishes again.');
        failures = 0;
        metrics.published(source.name, published);
        if (published < batchSize) await pause(pollIntervalMs, stopping.signal);
      } catch (error) {
        failures += 1;
        metrics.failed(source.name);
        const delayMs = retryBackoff(failures);
        log.warn(
          { source: source.name, failures, delayMs, err: explain(error) },
          'The relay could not publish a batch (is Kafka or the database reachable?); its rows wait and the relay retries.',
        );
        await pause(delayMs, stopping.signal);
      }
    }
  };

  if (sourcesInUse) await readSourcesInUse(sourcesInUse);
  const loops = [...sources.map(run), ...(sourcesInUse ? [followSourcesInUse(sourcesInUse)] : [])];
  log.info({ sources: [...inUse], brokers }, 'The outbox relay started.');
  return {
    async stop() {
      stopping.abort();
      await Promise.all(loops);
      await producer?.close().catch(() => {});
      producer = undefined;
    },
  };
}
