export { IdempotencyStoreUnavailableError } from './errors.ts';
export type {
  ClaimOutcome,
  IdempotencyScope,
  IdempotencyStore,
  StoredResponse,
} from './idempotency-store.ts';
export {
  createRedisIdempotencyStore,
  defaultIdempotencyTtlSeconds,
  defaultInterruptedAfterMs,
  defaultMaxBodyBytes,
  defaultMaxKeysPerOwner,
  type RedisIdempotencyStoreOptions,
} from './redis-idempotency-store.ts';
export { isValidIdempotencyKey, maxIdempotencyKeyLength, requestFingerprint } from './request-key.ts';
