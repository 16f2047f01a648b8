import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Repeats `check` until it stops throwing and returns what it returned, or rethrows its last failure after
 * `timeoutMs`: for what a running stack reaches in its own time (a scrape, a replica rejoining, an alert).
 */
export async function eventually<T>(
  check: () => Promise<T>,
  { timeoutMs = 60_000, intervalMs = 500 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(intervalMs);
    }
  }
}
