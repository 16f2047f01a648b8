import type { CacheAside } from '@scaling/cache';
import { createUserRepository } from '@scaling/conduit';
import { cacheKeys } from './cache-keys.ts';
import type { ReadRouting } from './read-routing.ts';
import type { AuthorEntry } from './shared-entries.ts';

/** The author an article shows, by id, from its own entry: what a single article is composed from. */
export function createReadPathAuthors(cache: CacheAside, routing: ReadRouting, ttlSeconds: number) {
  return {
    byId(userId: number, minLsn: string | null): Promise<AuthorEntry | null> {
      return cache.read<AuthorEntry>(cacheKeys.author(userId), {
        ttlSeconds,
        minLsn,
        load: async (lsn) => {
          const user = await routing.on(lsn, (db) => createUserRepository(db).findById(userId));
          return user ? { username: user.username, bio: user.bio, image: user.image } : null;
        },
      });
    },
  };
}

export type ReadPathAuthors = ReturnType<typeof createReadPathAuthors>;
