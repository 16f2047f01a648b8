import type { Registry } from '@scaling/metrics';
import type { CacheStore } from './cache-store.ts';

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
   * 'bypass'. Values go through JSON: a Date comes back as its ISO string.
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
  /** The last part of an entry's TTL in which a hit also refreshes it in the background. */
  refreshFraction?: number;
  breaker?: { failureThreshold?: number; cooldownMs?: number };
}

export function createCacheAside(options: CacheAsideOptions): CacheAside {
  const { store } = options;
  return {
    async read(_key, { minLsn, load }) {
      return load(minLsn ?? null);
    },
    async versions(scopes) {
      return store.versions(scopes).catch(() => undefined);
    },
    async invalidate() {},
  };
}
