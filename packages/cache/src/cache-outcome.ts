import { AsyncLocalStorage } from 'node:async_hooks';

export type CacheOutcome = 'hit' | 'miss' | 'bypass';

/** When one request reads several keys, it reports the worst: one bypass or miss is what its latency shows. */
const severity: Record<CacheOutcome, number> = { hit: 0, miss: 1, bypass: 2 };

const recorder = new AsyncLocalStorage<{ outcome?: CacheOutcome }>();

/**
 * Called in an onRequest hook: starts a recorder for this request, which every cache read in it reports to. It
 * enters the recorder for the rest of the hook chain, so the handler and the onSend hook see the same one.
 */
export function trackCacheOutcome(): void {
  recorder.enterWith({});
}

/** How this request's cache reads went (the worst of them); undefined when it made none or is not tracked. */
export function cacheOutcome(): CacheOutcome | undefined {
  return recorder.getStore()?.outcome;
}

export function recordCacheOutcome(outcome: CacheOutcome): void {
  const current = recorder.getStore();
  if (!current) return;
  if (current.outcome === undefined || severity[outcome] > severity[current.outcome])
    current.outcome = outcome;
}
