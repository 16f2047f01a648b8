export { RateLimiterUnavailableError } from './errors.ts';
export {
  createMemoryRateLimiter,
  defaultMaxSubjects,
  type MemoryRateLimiterOptions,
} from './memory-rate-limiter.ts';
export type { RateLimit, RateLimitDecision, RateLimiter } from './rate-limiter.ts';
export { createRedisRateLimiter } from './redis-rate-limiter.ts';
