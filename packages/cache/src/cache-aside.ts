import { lsnToBigInt, maxLsn } from '@scaling/db';
import type { Registry } from '@scaling/metrics';
import { cacheMetrics, type LoadTrigger, type StoreOperation } from './cache-metrics.ts';
import { type CacheOutcome, recordCacheOutcome } from './cache-outcome.ts';
import type { CacheEntry, CacheStore } from './cache-store.ts';
import { createCircuitBreaker } from './circuit-breaker.ts';
import { createSingleFlight } from './single-flight.ts';
import { CacheStoreTimeoutError, withinTimeout } from './store-timeout.ts';

export interface CacheReadOptions<T> {
  ttlSeconds: number;
  /** The freshness this reader needs (its own last write), null when any will do. */
  minLsn?: string | null;
  /** Reads the value from the database, at least as fresh as `minLsn`; null = not found (never stored). */
  load: (minLsn: string | null) => Promise<T | null>;
}

export interface CacheAside {
  /**
   * Cached value of key, or load(minLsn) on a miss; non-null results stored for ttlSeconds (null = not found, never
   * stored). minLsn passed to load = the later of options.minLsn and the LSN of the key's tombstone (left by a recent
   * invalidate). Single flight per process per (key, minLsn); refreshed early in the background near expiry;
   * fail-open: a slow (timeoutMs) or failing store, or an open circuit breaker, means load(minLsn) with outcome
   * 'bypass'. Values go through JSON on every path (a Date comes back as its ISO string), and each caller gets its
   * own copy to change.
   */
  read<T>(key: string, options: CacheReadOptions<T>): Promise<T | null>;
  /**
   * For list pages: the LSN of the last change of each scope (e.g. 'articles', 'tag:dragons', 'author:jake'), null
   * where none is recorded; undefined when the store is unavailable (the caller then bypasses the cache).
   */
  versions(scopes: string[]): Promise<(string | null)[] | undefined>;
  /**
   * After a commit at lsn: each key becomes a tombstone remembering lsn (so the next fill reads data at least that
   * fresh), each scope's version moves up to lsn (never down). Fail-open (logs and counts a failure).
   */
  invalidate(change: { keys: string[]; scopes: string[] }, lsn: string): Promise<void>;
}

export interface CacheLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface CacheAsideOptions {
  store: CacheStore;
  /** The longest any store call may take before the read goes to the database instead (CACHE_TIMEOUT_MS). */
  timeoutMs: number;
  metrics?: Registry;
  log?: CacheLogger;
  /** How long a tombstone lasts: well beyond the replicas' lag bound, so a fill after a write reads past it. */
  tombstoneTtlSeconds?: number;
  /** The last part of an entry's TTL (0..1) in which a hit also refreshes it in the background. */
  refreshFraction?: number;
  /** Consecutive store failures that open the breaker, and how long it stays open before one probe. */
  breaker?: { failureThreshold?: number; cooldownMs?: number };
}

export const cacheDefaults = {
  tombstoneTtlSeconds: 60,
  refreshFraction: 0.15,
  failureThreshold: 5,
  cooldownMs: 1000,
} as const;

/** What one read through the cache produced, shared by every reader of the same flight. */
interface Lookup {
  json: string | null;
  outcome: CacheOutcome;
}

type Attempt<T> = { ok: true; value: T } | { ok: false };

function validated(options: CacheAsideOptions) {
  const settings = {
    timeoutMs: options.timeoutMs,
    tombstoneTtlSeconds: options.tombstoneTtlSeconds ?? cacheDefaults.tombstoneTtlSeconds,
    refreshFraction: options.refreshFraction ?? cacheDefaults.refreshFraction,
    failureThreshold: options.breaker?.failureThreshold ?? cacheDefaults.failureThreshold,
    cooldownMs: options.breaker?.cooldownMs ?? cacheDefaults.cooldownMs,
  };
  const wholeAtLeastOne = ['timeoutMs', 'tombstoneTtlSeconds', 'failureThreshold', 'cooldownMs'] as const;
  for (const name of wholeAtLeastOne) {
    if (!Number.isInteger(settings[name]) || settings[name] < 1) {
      throw new Error(`The cache's ${name} is ${settings[name]}: give a whole number of at least 1.`);
    }
  }
  if (!(settings.refreshFraction >= 0 && settings.refreshFraction < 1)) {
    throw new Error(
      `The cache's refreshFraction is ${settings.refreshFraction}: give a share of the TTL from 0 (no early refresh) to below 1.`,
    );
  }
  return settings;
}

/**
 * Cache-aside over a store: reads look in the cache and load from the database on a miss; writes leave tombstones.
 * The cache only ever makes reads faster: every store call is bounded by `timeoutMs`, and a circuit breaker stops
 * calling a store that keeps failing, so an outage costs the database its load, never an error or a slow answer.
 */
export function createCacheAside(options: CacheAsideOptions): CacheAside {
  const settings = validated(options);
  const { store, log } = options;
  const metrics = cacheMetrics(options.metrics);
  // The failure that opened the breaker, for its log line.
  let lastFailure: unknown;
  const breaker = createCircuitBreaker({
    failureThreshold: settings.failureThreshold,
    cooldownMs: settings.cooldownMs,
    onChange(state, failures) {
      metrics.breakerOpen(state !== 'closed');
      if (state === 'open') {
        log?.warn(
          { err: lastFailure, failures, cooldownMs: settings.cooldownMs },
          'The cache store keeps failing or answering late; the cache circuit breaker is open and reads go to the database until a probe succeeds.',
        );
      } else if (state === 'closed') {
        log?.info({}, 'The cache store answers again; the cache circuit breaker is closed.');
      }
    },
  });
  const reads = createSingleFlight<Lookup>();
  const refreshes = createSingleFlight<void>();

  /** One store call, bounded in time and counted by the breaker; `gated` calls are skipped while it is open. */
  async function attempt<T>(
    operation: StoreOperation,
    call: () => Promise<T>,
    gated = true,
  ): Promise<Attempt<T>> {
    if (gated && !breaker.allows()) return { ok: false };
    try {
      const value = await withinTimeout(call(), settings.timeoutMs);
      breaker.succeeded();
      return { ok: true, value };
    } catch (error) {
      metrics.storeError(operation, error instanceof CacheStoreTimeoutError ? 'timeout' : 'error');
      lastFailure = error;
      breaker.failed();
      return { ok: false };
    }
  }

  async function loadJson<T>(
    load: (minLsn: string | null) => Promise<T | null>,
    minLsn: string | null,
    trigger: LoadTrigger,
  ): Promise<string | null> {
    const started = performance.now();
    const value = await load(minLsn);
    metrics.load(trigger, (performance.now() - started) / 1000);
    return value === null ? null : JSON.stringify(value);
  }

  async function fill(key: string, seen: CacheEntry, json: string, lsn: string | null, ttlSeconds: number) {
    const stored = await attempt('fill', () => store.fill(key, seen, { value: json, lsn, ttlSeconds }));
    if (stored.ok) metrics.fill(stored.value);
  }

  /** Near its expiry a hit also reloads the entry in the background: one refresher per key in this process. */
  function refreshIfDue<T>(
    key: string,
    entry: CacheEntry & { state: 'value' },
    options: CacheReadOptions<T>,
  ) {
    const dueWithinMs = options.ttlSeconds * 1000 * settings.refreshFraction;
    if (entry.remainingMs < 0 || entry.remainingMs > dueWithinMs) return;
    refreshes
      .run(key, async () => {
        const lsn = maxLsn(options.minLsn, entry.lsn);
        const json = await loadJson(options.load, lsn, 'refresh');
        if (json !== null) await fill(key, entry, json, lsn, options.ttlSeconds);
      })
      .catch((error: unknown) => {
        log?.warn({ err: error, key }, 'An early cache refresh failed to load; the entry expires as usual.');
      });
  }

  async function lookup<T>(key: string, options: CacheReadOptions<T>): Promise<Lookup> {
    const minLsn = options.minLsn ?? null;
    const found = await attempt('get', () => store.get(key));
    if (!found.ok) return { json: await loadJson(options.load, minLsn, 'bypass'), outcome: 'bypass' };
    const entry = found.value;
    if (entry.state === 'value') {
      refreshIfDue(key, entry, options);
      return { json: entry.value, outcome: 'hit' };
    }
    const lsn = entry.state === 'tombstone' ? maxLsn(minLsn, entry.lsn) : minLsn;
    const json = await loadJson(options.load, lsn, 'miss');
    // Not found is never stored: the row may be created any moment, and nothing would invalidate a stored absence.
    if (json !== null) await fill(key, entry, json, lsn, options.ttlSeconds);
    return { json, outcome: 'miss' };
  }

  return {
    async read<T>(key: string, options: CacheReadOptions<T>): Promise<T | null> {
      if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 1) {
        throw new Error(
          `The cache read of "${key}" has ttlSeconds ${options.ttlSeconds}: give a whole number of seconds of at least 1.`,
        );
      }
      const flight = `${key}\n${options.minLsn ?? ''}`;
      const { result, joined } = await reads.run(flight, () => lookup(key, options));
      metrics.read(result.outcome, joined);
      recordCacheOutcome(result.outcome);
      return result.json === null ? null : (JSON.parse(result.json) as T);
    },

    async versions(scopes) {
      const found = await attempt('versions', () => store.versions(scopes));
      return found.ok ? found.value : undefined;
    },

    async invalidate({ keys, scopes }, lsn) {
      // A malformed LSN is the caller's bug, not an outage: it fails here rather than in the store's scripts.
      lsnToBigInt(lsn);
      // Tried even while the breaker is open: a skipped tombstone leaves a stale entry until its TTL.
      const [tombstoned, raised] = await Promise.all([
        attempt('tombstone', () => store.tombstone(keys, lsn, settings.tombstoneTtlSeconds), false),
        attempt('raise_versions', () => store.raiseVersions(scopes, lsn), false),
      ]);
      if (!tombstoned.ok || !raised.ok) {
        log?.warn(
          { keys, scopes, lsn },
          'The cache could not be invalidated after a write; these entries may be served stale until their TTL ends. Check the cache Redis.',
        );
      }
    },
  };
}
