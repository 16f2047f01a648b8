import { gcra, retryAfterSeconds } from './gcra.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { subjectKey } from './subject-key.ts';

export interface MemoryRateLimiterOptions {
  /** How many subjects are remembered; past that, the one least recently let through is forgotten. */
  maxSubjects?: number;
  now?: () => number;
}

/** About 10 MB of counters: far more subjects than one process sees attempting to log in within a window. */
export const defaultMaxSubjects = 100_000;

/**
 * Counters in this process's memory, for the single-process stages 1 and 2. Bounded: forgetting a subject only
 * gives it a fresh burst, and the per-address rule is checked first, so one client cannot make the counters of
 * others be forgotten without first getting through its own limit with that many different addresses.
 */
export function createMemoryRateLimiter({
  maxSubjects = defaultMaxSubjects,
  now = Date.now,
}: MemoryRateLimiterOptions = {}): RateLimiter {
  // Insertion order is the order subjects were last let through: the first entry is the one to forget.
  const tatBySubject = new Map<string, number>();
  return {
    async take(rule, subject) {
      const key = subjectKey(rule.name, subject);
      const decision = gcra(rule, tatBySubject.get(key), now());
      if (!decision.allowed)
        return { allowed: false, retryAfterSeconds: retryAfterSeconds(decision.retryAfterMs) };
      tatBySubject.delete(key);
      tatBySubject.set(key, decision.tatMs);
      if (tatBySubject.size > maxSubjects) {
        const oldest = tatBySubject.keys().next().value;
        if (oldest !== undefined) tatBySubject.delete(oldest);
      }
      return { allowed: true };
    },
  };
}
