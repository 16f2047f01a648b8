export { cacheKeys, listScopes } from './cache-keys.ts';
export type { WriteChange } from './change-set.ts';
export type { ReadPathLogger } from './read-path-logger.ts';
export { createReadPathRepositories, type ReadPathOptions } from './read-path-repositories.ts';
export { defaultTtlSeconds, type TtlSeconds } from './ttl.ts';
