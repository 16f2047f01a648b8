import type { Redis } from 'ioredis';
import type { WriteLsnStore } from './write-lsn-store.ts';

/**
 * Keeps the greater of the stored and the given LSN, atomically, so two writes of one user finishing out of order
 * on two app replicas cannot move the position back. Each half of 'X/Y' is at most 32 bits, exact in Lua's doubles.
 */
const rememberScript = `
local function parse(lsn)
  local high, low = string.match(lsn, '^(%x+)/(%x+)$')
  return tonumber(high, 16), tonumber(low, 16)
end
local current = redis.call('GET', KEYS[1])
if current then
  local currentHigh, currentLow = parse(current)
  local high, low = parse(ARGV[1])
  if currentHigh > high or (currentHigh == high and currentLow >= low) then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
`;

const lsnPattern = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;

const keyOf = (userId: string | number) => `write-lsn:${userId}`;

/**
 * `write-lsn:<user id>` in the session Redis holds the user's last write position and expires `ttlSeconds` after
 * their last write: by then every replica in rotation has replayed it (the lag bound is seconds), so the key is
 * only needed that long. Fails with the Redis error when Redis cannot answer.
 */
export function createWriteLsnStore(redis: Redis, options: { ttlSeconds: number }): WriteLsnStore {
  const { ttlSeconds } = options;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new Error(
      `The write LSN store's ttlSeconds is ${ttlSeconds}: give a whole number of seconds of at least 1, longer than the replicas' lag bound.`,
    );
  }
  return {
    async remember(userId, lsn) {
      if (!lsnPattern.test(lsn)) {
        throw new Error(
          `"${lsn}" is not a PostgreSQL LSN: remember the position pg_current_wal_lsn() returned (16/B374D848).`,
        );
      }
      await redis.eval(rememberScript, 1, keyOf(userId), lsn, ttlSeconds);
    },
    lastWrite: (userId) => redis.get(keyOf(userId)),
  };
}
