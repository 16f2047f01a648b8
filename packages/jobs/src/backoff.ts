const baseDelayMs = 1_000;
const maxDelayMs = 15 * 60_000;

/** Delay before the next attempt after `attempts` failed ones: 1 s, 2 s, 4 s, ... capped at 15 minutes. */
export function exponentialBackoff(attempts: number): number {
  return Math.min(baseDelayMs * 2 ** Math.max(attempts - 1, 0), maxDelayMs);
}
