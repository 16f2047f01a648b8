export {
  type CacheAside,
  type CacheAsideOptions,
  type CacheLogger,
  type CacheReadOptions,
  createCacheAside,
} from './cache-aside.ts';
export { type CacheOutcome, cacheOutcome, trackCacheOutcome } from './cache-outcome.ts';
export { type CachePluginOptions, cachePlugin } from './cache-plugin.ts';
export type { CacheEntry, CacheStore } from './cache-store.ts';
export { createRedisCacheStore, type RedisCacheStoreOptions } from './redis-cache-store.ts';
