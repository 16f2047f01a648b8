import { AsyncLocalStorage } from 'node:async_hooks';

export type CacheOutcome = 'hit' | 'miss' | 'bypass';

const recorder = new AsyncLocalStorage<{ outcome?: CacheOutcome }>();

/** Called in an onRequest hook: starts a recorder for this request, which every cache read in it reports to. */
export function trackCacheOutcome(): void {
  recorder.enterWith({});
}

/** How this request's cache reads went: undefined when it made none. */
export function cacheOutcome(): CacheOutcome | undefined {
  return recorder.getStore()?.outcome;
}

export function recordCacheOutcome(outcome: CacheOutcome): void {
  const store = recorder.getStore();
  if (store) store.outcome = outcome;
}
