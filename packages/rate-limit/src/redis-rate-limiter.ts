import { orUnavailable } from '@scaling/redis';
import type { Redis } from 'ioredis';
import { RateLimiterUnavailableError } from './errors.ts';
import { gcraSpans, retryAfterSeconds } from './gcra.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { subjectKey } from './subject-key.ts';

/**
 * gcra() in one atomic step on the Redis server, so replicas racing on one subject cannot both take the last
 * attempt. It reads Redis's own clock (TIME), not the replicas', so their clock drift does not matter.
 * Returns 0 when allowed, else the milliseconds until the next attempt would be.
 */
const takeScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
tat = tat + interval
local wait = tat - now - window
if wait > 0 then return wait end
redis.call('SET', KEYS[1], tat, 'PX', tat - now)
return 0
`;

const unavailable = (cause: Error) => new RateLimiterUnavailableError({ cause });

/**
 * Counters in Redis, shared by every replica: `rate-limit:<rule>:<sha256 of subject>` holds the subject's TAT and
 * expires when its bucket is full again, so an idle subject costs no memory. Any outage surfaces as
 * RateLimiterUnavailableError.
 */
export function createRedisRateLimiter(redis: Redis): RateLimiter {
  return {
    async take(rule, subject) {
      const { windowMs, intervalMs } = gcraSpans(rule);
      const waitMs = await orUnavailable(
        redis.eval(takeScript, 1, `rate-limit:${subjectKey(rule.name, subject)}`, intervalMs, windowMs),
        unavailable,
      );
      return Number(waitMs) > 0
        ? { allowed: false, retryAfterSeconds: retryAfterSeconds(Number(waitMs)) }
        : { allowed: true };
    },
  };
}
