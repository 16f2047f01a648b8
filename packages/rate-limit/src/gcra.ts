import type { RateLimit } from './rate-limiter.ts';

/** The rule's window and interval in whole milliseconds, as both adapters count them (the Redis script gets these). */
export function gcraSpans(rule: Pick<RateLimit, 'limit' | 'windowSeconds'>): {
  windowMs: number;
  intervalMs: number;
} {
  const windowMs = rule.windowSeconds * 1000;
  return { windowMs, intervalMs: Math.ceil(windowMs / rule.limit) };
}

/**
 * The generic cell rate algorithm (GCRA): a token bucket stored as one number, the "theoretical arrival time" (TAT)
 * at which the subject's bucket will be full again. Each attempt pushes the TAT one interval (window / limit)
 * further; an attempt that would push it more than one window past now is refused. So a subject gets a burst of
 * `limit` attempts, then one attempt per interval: a locked-out user waits one interval, not a whole window.
 * The Redis adapter runs the same arithmetic in a script (redis-rate-limiter.ts).
 */
export function gcra(
  rule: Pick<RateLimit, 'limit' | 'windowSeconds'>,
  storedTatMs: number | undefined,
  nowMs: number,
): { allowed: true; tatMs: number } | { allowed: false; retryAfterMs: number } {
  const { windowMs, intervalMs } = gcraSpans(rule);
  const tatMs = Math.max(storedTatMs ?? nowMs, nowMs) + intervalMs;
  const waitMs = tatMs - nowMs - windowMs;
  return waitMs > 0 ? { allowed: false, retryAfterMs: waitMs } : { allowed: true, tatMs };
}

/** Retry-After is in whole seconds: round up, so a client that waits that long is let through. */
export const retryAfterSeconds = (retryAfterMs: number) => Math.max(1, Math.ceil(retryAfterMs / 1000));
