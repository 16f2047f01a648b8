/**
 * How long each kind of entry lives, in seconds. Invalidation after every write keeps entries right; the TTL only
 * bounds how long one stays wrong when an invalidation is lost (the cache Redis unreachable at that moment).
 */
export interface TtlSeconds {
  article: number;
  profile: number;
  tags: number;
  list: number;
}

export const defaultTtlSeconds: TtlSeconds = { article: 300, profile: 300, tags: 300, list: 60 };

export function validatedTtl(ttl: Partial<TtlSeconds> | undefined): TtlSeconds {
  const settings = { ...defaultTtlSeconds, ...ttl };
  for (const [kind, seconds] of Object.entries(settings)) {
    if (!Number.isInteger(seconds) || seconds < 1) {
      throw new Error(
        `The read path's ${kind} TTL is ${seconds}: give a whole number of seconds, at least 1.`,
      );
    }
  }
  return settings;
}
