import { orUnavailable } from '@scaling/redis';
import type { Redis } from 'ioredis';
import { SessionStoreUnavailableError } from './errors.ts';
import {
  defaultSessionAbsoluteTtlSeconds,
  defaultSessionIdleTtlSeconds,
  type SessionLifetime,
} from './session-lifetime.ts';
import type { SessionStore } from './session-store.ts';
import { generateSessionToken, hashSessionToken } from './token.ts';

export interface RedisSessionStoreOptions extends SessionLifetime {
  now?: () => number;
}

const sessionKey = (tokenHash: string) => `session:${tokenHash}`;
const userSessionsKey = (userId: number) => `user-sessions:${userId}`;
const unavailable = (cause: Error) => new SessionStoreUnavailableError({ cause });

/** `<user id>:<absolute end, ms since the epoch>`: what a session key holds. */
function parseSession(value: string): { userId: number; endsAt: number } {
  const [userId, endsAt] = value.split(':');
  return { userId: Number(userId), endsAt: Number(endsAt) };
}

/**
 * Sessions in Redis, shared by every replica. `session:<sha256 of token>` holds the user id and the session's
 * absolute end, with a sliding expiry: a lookup is one GETEX, which reads it and pushes the expiry forward in the
 * same round trip; in the session's last idle period a second call pins the expiry to its absolute end.
 * `user-sessions:<user id>` is a sorted set of the user's token hashes by absolute end, so that a password change
 * can end the others; entries past their end are pruned at each login, so it holds at most one lifetime's logins.
 * Any outage surfaces as SessionStoreUnavailableError, never as "no such session".
 */
export function createRedisSessionStore(
  redis: Redis,
  {
    idleTtlSeconds = defaultSessionIdleTtlSeconds,
    absoluteTtlSeconds = defaultSessionAbsoluteTtlSeconds,
    now = Date.now,
  }: RedisSessionStoreOptions = {},
): SessionStore {
  const idleMs = idleTtlSeconds * 1000;
  return {
    async create(userId) {
      const token = generateSessionToken();
      const hash = hashSessionToken(token);
      const at = now();
      const endsAt = at + absoluteTtlSeconds * 1000;
      const sessions = userSessionsKey(userId);
      await orUnavailable(
        redis
          .multi()
          .set(sessionKey(hash), `${userId}:${endsAt}`, 'PX', Math.min(idleMs, endsAt - at))
          .zremrangebyscore(sessions, '-inf', at)
          .zadd(sessions, endsAt, hash)
          // The newest session ends last: the index lives exactly as long as the sessions it lists.
          .pexpireat(sessions, endsAt)
          .exec()
          .then(failedCommandOf),
        unavailable,
      );
      return { token };
    },
    async resolve(token) {
      const key = sessionKey(hashSessionToken(token));
      const value = await orUnavailable(redis.getex(key, 'PX', idleMs), unavailable);
      if (value === null) return null;
      const { userId, endsAt } = parseSession(value);
      const left = endsAt - now();
      if (left <= 0) {
        await orUnavailable(redis.del(key), unavailable);
        return null;
      }
      // GETEX just set a full idle period, which would outlive the absolute end.
      if (left < idleMs) await orUnavailable(redis.pexpireat(key, endsAt), unavailable);
      return userId;
    },
    async revoke(token) {
      // The hash stays in the user's index until its end: ending it again later is harmless.
      await orUnavailable(redis.del(sessionKey(hashSessionToken(token))), unavailable);
    },
    async revokeOthers(userId, keepToken) {
      const sessions = userSessionsKey(userId);
      const keep = hashSessionToken(keepToken);
      const hashes = await orUnavailable(redis.zrange(sessions, '0', '-1'), unavailable);
      const others = hashes.filter((hash) => hash !== keep);
      if (others.length === 0) return;
      await orUnavailable(
        redis
          .multi()
          .del(...others.map(sessionKey))
          .zrem(sessions, ...others)
          .exec()
          .then(failedCommandOf),
        unavailable,
      );
    },
  };
}

/** MULTI reports a failed command inside its result instead of rejecting: surface it as the call's error. */
function failedCommandOf(results: [Error | null, unknown][] | null): void {
  const failure = results?.find(([error]) => error !== null)?.[0];
  if (failure) throw failure;
  if (results === null) throw new Error('The Redis transaction was aborted.');
}
