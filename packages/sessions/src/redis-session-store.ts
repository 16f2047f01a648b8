import { orUnavailable } from '@scaling/redis';
import type { Redis } from 'ioredis';
import { SessionStoreUnavailableError } from './errors.ts';
import type { SessionStore } from './session-store.ts';
import { generateSessionToken } from './token.ts';

export interface RedisSessionStoreOptions {
  /** How long a session lives without being used; every authenticated request starts the period again. */
  idleTtlSeconds?: number;
}

/** A week: a user who comes back within a week stays logged in; an abandoned token expires on its own. */
export const defaultSessionIdleTtlSeconds = 7 * 24 * 60 * 60;

const sessionKey = (token: string) => `session:${token}`;
const unavailable = (cause: Error) => new SessionStoreUnavailableError({ cause });

/**
 * Sessions in Redis, shared by every replica: `session:<token>` holds the user id with a sliding expiry.
 * A lookup is one GETEX, which reads the user id and pushes the expiry forward in the same round trip.
 * Any outage surfaces as SessionStoreUnavailableError, never as "no such session".
 */
export function createRedisSessionStore(
  redis: Redis,
  { idleTtlSeconds = defaultSessionIdleTtlSeconds }: RedisSessionStoreOptions = {},
): SessionStore {
  return {
    async create(userId) {
      const token = generateSessionToken();
      await orUnavailable(redis.set(sessionKey(token), String(userId), 'EX', idleTtlSeconds), unavailable);
      return token;
    },
    async resolve(token) {
      const userId = await orUnavailable(redis.getex(sessionKey(token), 'EX', idleTtlSeconds), unavailable);
      return userId === null ? null : Number(userId);
    },
    async revoke(token) {
      await orUnavailable(redis.del(sessionKey(token)), unavailable);
    },
  };
}
