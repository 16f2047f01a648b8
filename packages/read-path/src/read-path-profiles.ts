import type { CacheAside } from '@scaling/cache';
import { createProfileRepository, type Repositories } from '@scaling/conduit';
import type pg from 'pg';
import { cacheKeys } from './cache-keys.ts';
import type { ChangePublisher } from './change-publisher.ts';
import { createChangeSet } from './change-set.ts';
import type { ReadRouting } from './read-routing.ts';
import { type ProfileEntry, toProfileEntry } from './shared-entries.ts';
import type { ViewerOverlay } from './viewer-overlay.ts';

type ProfileRepository = Repositories['profiles'];

/**
 * Profiles: the shared profile from the cache (when given) with the viewer's `following` laid over. A follow
 * changes no shared entry (an anonymous reader sees no `following`): it only becomes the follower's last write.
 */
export function createReadPathProfiles(options: {
  primary: pg.Pool;
  routing: ReadRouting;
  publish: ChangePublisher;
  overlay: ViewerOverlay;
  cache?: CacheAside | undefined;
  ttlSeconds: number;
}): ProfileRepository {
  const { primary, routing, publish, overlay, cache, ttlSeconds } = options;
  const onPrimary = createProfileRepository(primary);

  async function followed(followerId: number, change: Promise<boolean>): Promise<boolean> {
    const changed = await change;
    const changes = createChangeSet();
    changes.writer(followerId);
    await publish(changes.toChange());
    return changed;
  }

  return {
    async findByUsername(username, viewerId) {
      const floor = await routing.floor(viewerId);
      if (!cache) {
        return routing.on(floor, (db) => createProfileRepository(db).findByUsername(username, viewerId));
      }
      const entry = await cache.read<ProfileEntry>(cacheKeys.profile(username), {
        ttlSeconds,
        minLsn: floor,
        load: async (lsn) => {
          const profile = await routing.on(lsn, (db) =>
            createProfileRepository(db).findByUsername(username, null),
          );
          return profile ? toProfileEntry(profile) : null;
        },
      });
      return entry ? overlay.profile(entry, viewerId, floor) : null;
    },
    follow: (followerId, followeeId) => followed(followerId, onPrimary.follow(followerId, followeeId)),
    unfollow: (followerId, followeeId) => followed(followerId, onPrimary.unfollow(followerId, followeeId)),
  };
}
