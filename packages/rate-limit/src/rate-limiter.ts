/** At most `limit` attempts per `windowSeconds` for one subject (a client address, an account). */
export interface RateLimit {
  /** Names the counter, e.g. `login:address`: the same subject under two rules is counted twice. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export type RateLimitDecision =
  | { allowed: true }
  /** Refused; the next attempt of this subject would pass after this many seconds (a whole number, at least 1). */
  | { allowed: false; retryAfterSeconds: number };

/**
 * Counts attempts per subject and says whether one more may go ahead. `take` counts the attempt when it is
 * allowed and never when it is refused, so a client that keeps hammering gets through again as soon as its
 * rate falls under the limit. Stages 1-2 keep the counters in memory; stage 3 in Redis, shared by the replicas.
 */
export interface RateLimiter {
  take(rule: RateLimit, subject: string): Promise<RateLimitDecision>;
}
