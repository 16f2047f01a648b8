import { setTimeout as sleep } from 'node:timers/promises';

export interface ThrottledFetchOptions {
  /** How long to wait out 429s in all; past that, the 429 is returned. */
  maxWaitSeconds: number;
  /** Each attempt's own deadline: a retry must not inherit a timer the earlier attempts used up. */
  attemptTimeoutMs?: number;
  /** Told each wait before it starts, e.g. to print progress. */
  onWait?: (seconds: number) => void;
}

/**
 * fetch, waiting out 429s as their Retry-After asks (1 s when it is absent), as a well-behaved client does: logins
 * and registrations are throttled per client address, and a run right after another from this machine may find
 * the budget spent. Returns the first answer that is not a 429, or the 429 once waiting longer would pass the cap.
 */
export async function fetchWaitingOutThrottle(
  url: URL,
  init: RequestInit,
  { maxWaitSeconds, attemptTimeoutMs, onWait }: ThrottledFetchOptions,
): Promise<Response> {
  let waitedSeconds = 0;
  for (;;) {
    const response = await fetch(url, {
      ...init,
      ...(attemptTimeoutMs === undefined ? {} : { signal: AbortSignal.timeout(attemptTimeoutMs) }),
    });
    const retryAfter = Number(response.headers.get('retry-after') ?? 1) || 1;
    if (response.status !== 429 || waitedSeconds + retryAfter > maxWaitSeconds) return response;
    await response.arrayBuffer();
    onWait?.(retryAfter);
    await sleep(retryAfter * 1000);
    waitedSeconds += retryAfter;
  }
}
