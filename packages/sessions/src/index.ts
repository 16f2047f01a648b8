export { SessionStoreUnavailableError } from './errors.ts';
export { createMemorySessionStore } from './memory-session-store.ts';
export {
  createRedisSessionStore,
  defaultSessionIdleTtlSeconds,
  type RedisSessionStoreOptions,
} from './redis-session-store.ts';
export type { SessionStore } from './session-store.ts';
export { generateSessionToken } from './token.ts';
