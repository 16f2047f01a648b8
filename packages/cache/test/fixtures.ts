import { createMetricsRegistry, type Registry } from '@scaling/metrics';
import { closeRedisClient, connectRedisClient } from '@scaling/redis';
import { uniqueSuffix } from '@scaling/testing';
import type { Redis } from 'ioredis';
import { inject } from 'vitest';
import {
  type CacheAside,
  type CacheAsideOptions,
  type CacheStore,
  createCacheAside,
  createRedisCacheStore,
} from '../src/index.ts';

export interface TestCache {
  cache: CacheAside;
  redis: Redis;
  registry: Registry;
  /** How many reads reached the store. */
  storeGets(): number;
  /** The Redis key of a cache key, to look at an entry the way the store wrote it. */
  entryKey(key: string): string;
  close(): Promise<void>;
}

/** A CacheAside on its own key prefix and metrics registry, on the test setup's Redis unless `url` is given. */
export async function startTestCache(
  overrides: Partial<Omit<CacheAsideOptions, 'store'>> & {
    url?: string;
    commandTimeoutMs?: number;
  } = {},
): Promise<TestCache> {
  const { url = inject('redisUrl'), commandTimeoutMs = 5_000, ...options } = overrides;
  const redis = await connectRedisClient({ url, commandTimeoutMs, connectTimeoutMs: 1000 });
  const prefix = `cache-test:${uniqueSuffix()}:`;
  const registry = createMetricsRegistry();
  const store = countingGets(createRedisCacheStore(redis, { prefix }));
  const cache = createCacheAside({
    store,
    timeoutMs: 50,
    metrics: registry,
    ...options,
  });
  return {
    cache,
    redis,
    registry,
    storeGets: () => store.gets,
    entryKey: (key) => `${prefix}entry:${key}`,
    close: () => closeRedisClient(redis),
  };
}

export interface Article {
  slug: string;
  title: string;
  favoritesCount: number;
}

export function buildArticle(overrides: Partial<Article> = {}): Article {
  const suffix = uniqueSuffix();
  return { slug: `article-${suffix}`, title: `Article ${suffix}`, favoritesCount: 0, ...overrides };
}

export interface RecordingLoader<T> {
  load: (minLsn: string | null) => Promise<T | null>;
  /** The minLsn of each call, in order. */
  calls: (string | null)[];
}

/** A loader answering `value()` (read at each call, so a test can change what the database holds). */
export function recordingLoader<T>(value: () => T | null, delayMs = 0): RecordingLoader<T> {
  const calls: (string | null)[] = [];
  return {
    calls,
    async load(minLsn) {
      calls.push(minLsn);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return value();
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The store, counting the reads that reach it. */
function countingGets(store: CacheStore): CacheStore & { gets: number } {
  const counted = {
    ...store,
    gets: 0,
    get(key: string) {
      counted.gets += 1;
      return store.get(key);
    },
  };
  return counted;
}

/** Log lines kept for a test to read. */
export function collectingLog() {
  const lines: { level: 'warn' | 'info'; message: string }[] = [];
  return {
    lines,
    warn: (_details: object, message: string) => lines.push({ level: 'warn', message }),
    info: (_details: object, message: string) => lines.push({ level: 'info', message }),
  };
}
