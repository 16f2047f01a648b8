export { SessionStoreUnavailableError } from './errors.ts';
export {
  createMemorySessionStore,
  defaultMaxMemorySessions,
  type MemorySessionStoreOptions,
} from './memory-session-store.ts';
export { createRedisSessionStore, type RedisSessionStoreOptions } from './redis-session-store.ts';
export {
  defaultSessionAbsoluteTtlSeconds,
  defaultSessionIdleTtlSeconds,
  type SessionLifetime,
} from './session-lifetime.ts';
export type { IssuedSession, SessionStore } from './session-store.ts';
export { generateSessionToken, hashSessionToken } from './token.ts';
