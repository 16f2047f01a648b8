import { orUnavailable } from '@scaling/redis';
import type { Redis } from 'ioredis';
import { IdempotencyStoreUnavailableError } from './errors.ts';
import type {
  ClaimOutcome,
  IdempotencyScope,
  IdempotencyStore,
  StoredResponse,
} from './idempotency-store.ts';
import { requestFingerprint } from './request-key.ts';

export interface RedisIdempotencyStoreOptions {
  /** The fingerprints' key: the same on every replica, or a retry on another replica looks like another body. */
  secret: string;
  /** How long a key and its response are kept; a retry after that runs as a new request. */
  ttlSeconds?: number;
  /** A first request older than this without an answer is presumed dead (its process was killed). */
  interruptedAfterMs?: number;
  /** The largest response body kept for a replay. */
  maxBodyBytes?: number;
  /** How many keys one owner holds at once; a new one beyond that makes the owner's oldest be forgotten. */
  maxKeysPerOwner?: number;
  now?: () => number;
}

/** A day, as payment APIs keep theirs: far longer than any client keeps retrying. */
export const defaultIdempotencyTtlSeconds = 24 * 60 * 60;
/** nginx's default proxy_read_timeout (60 s; stage 3 uses 30 s): by then the balancer has given up on the first request. */
export const defaultInterruptedAfterMs = 60_000;
/** 16 KiB: a created comment, or an article of a few pages; longer articles are answered "not kept" on a replay. */
export const defaultMaxBodyBytes = 16 * 1024;
/**
 * 1000 keyed writes a day is far beyond what a person posts, and leaves room for a busy client. With the body cap,
 * one owner holds at most about 17 MB of Redis, however hard it tries to fill it.
 */
export const defaultMaxKeysPerOwner = 1000;

interface IdempotencyRecord {
  fingerprint: string;
  startedAt: number;
  response?: StoredResponse;
}

const recordKey = ({ owner, method, path, key }: IdempotencyScope) =>
  `idempotency:${owner}:${method}:${path}:${key}`;
const ownerKey = ({ owner }: IdempotencyScope) => `idempotency-owner:${owner}`;
const unavailable = (cause: Error) => new IdempotencyStoreUnavailableError({ cause });

/**
 * Claims a key in one atomic step: returns the existing record, or creates the in-flight one and lists it in the
 * owner's index (a sorted set by expiry), first dropping the index's expired entries and, when the owner is at its
 * cap, its oldest records. Claims within one millisecond get increasing scores, so "oldest" is the claim order. The evicted records' names come from the index, not from KEYS: fine on one Redis, not
 * on a cluster, where an owner's keys would need a hash tag.
 */
const claimScript = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3]) + 1
if over > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], over)
  for index = 1, #oldest, 2 do redis.call('DEL', oldest[index]) end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
local expires = now + ttl
local newest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if newest[2] and tonumber(newest[2]) >= expires then expires = tonumber(newest[2]) + 1 end
redis.call('ZADD', KEYS[2], expires, KEYS[1])
redis.call('PEXPIRE', KEYS[2], ttl)
return false
`;

/**
 * One Redis key per (owner, method, path, key). Claiming is a single atomic script: it either creates the
 * in-flight record or returns the existing one, so two replicas racing on one key cannot both run it.
 * A record in flight stays until its TTL even if its process died: Redis cannot know whether that request
 * committed in Postgres before dying, so running it again could create the duplicate the key exists to prevent.
 * Bounded per owner: bodies up to `maxBodyBytes`, at most `maxKeysPerOwner` records.
 */
export function createRedisIdempotencyStore(
  redis: Redis,
  {
    secret,
    ttlSeconds = defaultIdempotencyTtlSeconds,
    interruptedAfterMs = defaultInterruptedAfterMs,
    maxBodyBytes = defaultMaxBodyBytes,
    maxKeysPerOwner = defaultMaxKeysPerOwner,
    now = Date.now,
  }: RedisIdempotencyStoreOptions,
): IdempotencyStore {
  const ttlMs = ttlSeconds * 1000;
  return {
    maxBodyBytes,
    fingerprint: (body) => requestFingerprint(body, secret),
    async claim(scope, fingerprint): Promise<ClaimOutcome> {
      const claim: IdempotencyRecord = { fingerprint, startedAt: now() };
      const existing = (await orUnavailable(
        redis.eval(
          claimScript,
          2,
          recordKey(scope),
          ownerKey(scope),
          JSON.stringify(claim),
          ttlMs,
          maxKeysPerOwner,
        ),
        unavailable,
      )) as string | null;
      if (existing === null) return { outcome: 'claimed' };
      const record = JSON.parse(existing) as IdempotencyRecord;
      if (record.fingerprint !== fingerprint) return { outcome: 'mismatch' };
      if (record.response) return { outcome: 'completed', response: record.response };
      return now() - record.startedAt > interruptedAfterMs
        ? { outcome: 'interrupted' }
        : { outcome: 'in-flight' };
    },
    async complete(scope, fingerprint, response) {
      const bytes = response.body === null ? 0 : Buffer.byteLength(response.body);
      if (bytes > maxBodyBytes) {
        throw new Error(
          `A response body of ${bytes} bytes is over the ${maxBodyBytes}-byte cap: store an answer that says it was not kept.`,
        );
      }
      const record: IdempotencyRecord = { fingerprint, startedAt: now(), response };
      await orUnavailable(redis.set(recordKey(scope), JSON.stringify(record), 'PX', ttlMs), unavailable);
    },
    async release(scope) {
      await orUnavailable(
        redis.multi().del(recordKey(scope)).zrem(ownerKey(scope), recordKey(scope)).exec(),
        unavailable,
      );
    },
  };
}
