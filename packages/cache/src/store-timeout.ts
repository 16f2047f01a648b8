/** A store call that took longer than the cache timeout: the reader went on without it. */
export class CacheStoreTimeoutError extends Error {
  readonly code = 'CACHE_STORE_TIMEOUT';
  constructor(timeoutMs: number) {
    super(
      `The cache store did not answer within ${timeoutMs} ms; the read went to the database. Check the cache Redis's latency, or raise CACHE_TIMEOUT_MS.`,
    );
    this.name = 'CacheStoreTimeoutError';
  }
}

/** The call's result, or CacheStoreTimeoutError after `timeoutMs` (the call itself runs on, its result ignored). */
export async function withinTimeout<T>(call: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    // Timers run before sockets are read: on a loop busy past the deadline, an answer already received would lose
    // to its own timer. Rejecting on the next turn lets that answer be read first.
    timer = setTimeout(() => setImmediate(() => reject(new CacheStoreTimeoutError(timeoutMs))), timeoutMs);
  });
  // A call that fails after the deadline must not surface as an unhandled rejection.
  call.catch(() => {});
  try {
    return await Promise.race([call, expired]);
  } finally {
    clearTimeout(timer);
  }
}
