/**
 * What a reader found under a key. A tombstone is what `invalidate` leaves: no value, but the LSN of the commit
 * that changed it, so the next fill reads data at least that fresh. `witness` identifies this exact state for
 * `fill`'s compare-and-set.
 */
export type CacheEntry =
  | { state: 'absent' }
  | { state: 'tombstone'; lsn: string }
  | { state: 'value'; value: string; remainingMs: number; lsn: string | null; witness: string };

/** The operations the cache-aside engine needs from its store (Redis in production). */
export interface CacheStore {
  get(key: string): Promise<CacheEntry>;
  /**
   * Stores `value` for `ttlSeconds` only while the key still holds what the reader saw (`seen`): absent, the same
   * tombstone, or the same value. False when a write invalidated it in between (the loaded value may be older).
   * `lsn` is the freshness the value was loaded at, which a later refresh reads at least.
   */
  fill(
    key: string,
    seen: CacheEntry,
    fill: { value: string; lsn: string | null; ttlSeconds: number },
  ): Promise<boolean>;
  /** Turns each key into a tombstone remembering `lsn`, for `ttlSeconds`; a later LSN already there stays. */
  tombstone(keys: string[], lsn: string, ttlSeconds: number): Promise<void>;
  /** Moves each scope's version up to `lsn`; a version already later stays. */
  raiseVersions(scopes: string[], lsn: string): Promise<void>;
  /** Each scope's version (an LSN), null where none is recorded. */
  versions(scopes: string[]): Promise<(string | null)[]>;
}
