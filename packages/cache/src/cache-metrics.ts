import { buckets, Counter, Gauge, Histogram, metricOnce, type Registry } from '@scaling/metrics';
import type { CacheOutcome } from './cache-outcome.ts';

export type StoreOperation = 'get' | 'fill' | 'tombstone' | 'raise_versions' | 'versions';
export type LoadTrigger = 'miss' | 'bypass' | 'refresh';

export interface CacheMetrics {
  read(outcome: CacheOutcome, coalesced: boolean): void;
  storeError(operation: StoreOperation, reason: 'timeout' | 'error'): void;
  breakerOpen(open: boolean): void;
  load(trigger: LoadTrigger, seconds: number): void;
  fill(stored: boolean): void;
}

const ignored: CacheMetrics = {
  read: () => {},
  storeError: () => {},
  breakerOpen: () => {},
  load: () => {},
  fill: () => {},
};

/** The cache's metrics in the process's registry (shared by every CacheAside reporting into it). */
export function cacheMetrics(registry: Registry | undefined): CacheMetrics {
  if (!registry) return ignored;
  const once = <Metric>(name: string, create: (name: string) => Metric) =>
    metricOnce(registry, name, () => create(name));
  const requests = once(
    'cache_requests_total',
    (name) =>
      new Counter({
        name,
        help: 'Cache reads by result: hit (from the cache), miss (loaded, then stored), bypass (loaded without the cache: store slow, failing, or breaker open).',
        labelNames: ['result'],
        registers: [registry],
      }),
  );
  const coalesced = once(
    'cache_coalesced_reads_total',
    (name) =>
      new Counter({
        name,
        help: 'Cache reads that waited for the same read already running in this process (single flight) instead of making their own.',
        registers: [registry],
      }),
  );
  const storeErrors = once(
    'cache_store_errors_total',
    (name) =>
      new Counter({
        name,
        help: 'Cache store calls that failed or took longer than the cache timeout, by operation and reason (timeout, error).',
        labelNames: ['operation', 'reason'],
        registers: [registry],
      }),
  );
  const breaker = once(
    'cache_breaker_open',
    (name) =>
      new Gauge({
        name,
        help: '1 while the cache circuit breaker is open or probing (reads go to the database), 0 when closed.',
        registers: [registry],
      }),
  );
  const loads = once(
    'cache_load_duration_seconds',
    (name) =>
      new Histogram({
        name,
        help: 'Time the loader took to read a value from the database, by trigger: miss, bypass, or an early refresh in the background.',
        labelNames: ['trigger'],
        buckets: [...buckets.httpRequest],
        registers: [registry],
      }),
  );
  const fills = once(
    'cache_fills_total',
    (name) =>
      new Counter({
        name,
        help: 'Loaded values offered to the cache, by result: stored, or superseded (a write invalidated the key while it loaded, so it was dropped).',
        labelNames: ['result'],
        registers: [registry],
      }),
  );
  breaker.set(0);
  return {
    read(outcome, joined) {
      requests.inc({ result: outcome });
      if (joined) coalesced.inc();
    },
    storeError: (operation, reason) => storeErrors.inc({ operation, reason }),
    breakerOpen: (open) => breaker.set(open ? 1 : 0),
    load: (trigger, seconds) => loads.observe({ trigger }, seconds),
    fill: (stored) => fills.inc({ result: stored ? 'stored' : 'superseded' }),
  };
}
