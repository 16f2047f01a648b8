import { setTimeout as sleep } from 'node:timers/promises';

const baseDelayMs = 250;
const maxDelayMs = 10_000;

/** Delay after `failures` failures in a row: 250 ms, 500 ms, 1 s, ... capped at 10 s, with up to 20% jitter. */
export function retryBackoff(failures: number): number {
  const delay = Math.min(baseDelayMs * 2 ** Math.max(failures - 1, 0), maxDelayMs);
  return Math.round(delay * (1 + Math.random() * 0.2));
}

/** Waits `ms`, or less when `signal` aborts (a stopping loop must not sit out its backoff); never throws. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => {});
}
