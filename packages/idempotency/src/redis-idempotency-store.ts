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
  now?: () => number;
}

/** A day, as payment APIs keep theirs: far longer than any client keeps retrying. */
export const defaultIdempotencyTtlSeconds = 24 * 60 * 60;
/** nginx's default proxy_read_timeout (60 s; stage 3 uses 30 s): by then the balancer has given up on the first request. */
export const defaultInterruptedAfterMs = 60_000;

interface IdempotencyRecord {
  fingerprint: string;
  startedAt: number;
  response?: StoredResponse;
}

const recordKey = ({ owner, method, path, key }: IdempotencyScope) =>
  `idempotency:${owner}:${method}:${path}:${key}`;
const unavailable = (cause: Error) => new IdempotencyStoreUnavailableError({ cause });

/**
 * One Redis key per (owner, method, path, key). Claiming is a single atomic `SET NX GET`: it either creates
 * the in-flight record or returns the existing one, so two replicas racing on one key cannot both run it.
 * A record in flight stays until its TTL even if its process died: Redis cannot know whether that request
 * committed in Postgres before dying, so running it again could create the duplicate the key exists to prevent.
 */
export function createRedisIdempotencyStore(
  redis: Redis,
  {
    secret,
    ttlSeconds = defaultIdempotencyTtlSeconds,
    interruptedAfterMs = defaultInterruptedAfterMs,
    now = Date.now,
  }: RedisIdempotencyStoreOptions,
): IdempotencyStore {
  return {
    fingerprint: (body) => requestFingerprint(body, secret),
    async claim(scope, fingerprint): Promise<ClaimOutcome> {
      const claim: IdempotencyRecord = { fingerprint, startedAt: now() };
      const existing = await orUnavailable(
        redis.set(recordKey(scope), JSON.stringify(claim), 'EX', ttlSeconds, 'NX', 'GET'),
        unavailable,
      );
      if (existing === null) return { outcome: 'claimed' };
      const record = JSON.parse(existing) as IdempotencyRecord;
      if (record.fingerprint !== fingerprint) return { outcome: 'mismatch' };
      if (record.response) return { outcome: 'completed', response: record.response };
      return now() - record.startedAt > interruptedAfterMs
        ? { outcome: 'interrupted' }
        : { outcome: 'in-flight' };
    },
    async complete(scope, fingerprint, response) {
      const record: IdempotencyRecord = { fingerprint, startedAt: now(), response };
      await orUnavailable(redis.set(recordKey(scope), JSON.stringify(record), 'EX', ttlSeconds), unavailable);
    },
    async release(scope) {
      await orUnavailable(redis.del(recordKey(scope)), unavailable);
    },
  };
}
