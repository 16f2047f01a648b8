export type { SharedCachePolicy } from './cache-policy.ts';
export type { CacheableRouteName } from './cacheable-routes.ts';
export {
  type DocsCachingOptions,
  type EdgeCachingOptions,
  edgeCachingPlugin,
} from './edge-caching-plugin.ts';
export type { EdgePurger } from './edge-purger.ts';
export { surrogateKeyHeader, surrogateKeys } from './surrogate-keys.ts';
export { createVarnishPurger, type VarnishPurgerOptions } from './varnish-purger.ts';
