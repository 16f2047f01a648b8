import { Counter, metricOnce, type Registry, scrapedGauge } from '@scaling/metrics';
import type pg from 'pg';

export interface RelayMetrics {
  published(source: string, count: number): void;
  failed(source: string): void;
}

const scrapeTimeoutMs = 2_000;

/** Reads `query` on every source, answering undefined for a source that cannot answer within the scrape. */
async function perSource(
  sources: Array<{ name: string; pool: pg.Pool }>,
  query: string,
): Promise<Array<readonly [string, number]>> {
  const samples = await Promise.all(
    sources.map(async ({ name, pool }) => {
      const timeout = new Promise<undefined>((resolve) =>
        setTimeout(() => resolve(undefined), scrapeTimeoutMs).unref(),
      );
      const value = pool.query<{ value: number }>(query).then(
        ({ rows }) => rows[0]?.value,
        () => undefined,
      );
      const sample = await Promise.race([value, timeout]);
      return sample === undefined ? undefined : ([name, Number(sample)] as const);
    }),
  );
  return samples.filter((sample) => sample !== undefined);
}

/**
 * The relay's progress: rows published and failed sends (counters), and per source the backlog and the age of its
 * oldest unpublished row, read from the outbox at scrape time so they are right even while the relay is stuck.
 */
export function createRelayMetrics(
  registry: Registry | undefined,
  sources: Array<{ name: string; pool: pg.Pool }>,
): RelayMetrics {
  if (!registry) return { published() {}, failed() {} };
  const published = metricOnce(
    registry,
    'relay_published_total',
    () =>
      new Counter({
        name: 'relay_published_total',
        help: 'Outbox rows the relay published to Kafka, per source database.',
        labelNames: ['source'],
        registers: [registry],
      }),
  );
  const failures = metricOnce(
    registry,
    'relay_publish_failures_total',
    () =>
      new Counter({
        name: 'relay_publish_failures_total',
        help: 'Batches the relay could not publish (broker away, database away); their rows wait for the next try.',
        labelNames: ['source'],
        registers: [registry],
      }),
  );
  scrapedGauge(registry, {
    name: 'outbox_unpublished',
    help: 'Outbox rows not yet published to Kafka, per source database.',
    label: 'source',
    read: () => perSource(sources, 'SELECT count(*)::int AS value FROM outbox WHERE published_at IS NULL'),
  });
  scrapedGauge(registry, {
    name: 'outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest unpublished outbox row (0 when none waits): how far behind the relay is.',
    label: 'source',
    read: () =>
      perSource(
        sources,
        `SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS value
           FROM outbox WHERE published_at IS NULL`,
      ),
  });
  return {
    published(source, count) {
      published.inc({ source }, count);
    },
    failed(source) {
      failures.inc({ source });
    },
  };
}
