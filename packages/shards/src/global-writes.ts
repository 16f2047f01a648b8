import { createProfileRepository, createUserRepository, type Repositories } from '@scaling/conduit';
import { withTransaction } from '@scaling/db';
import { appendEvent, userKey } from '@scaling/events';
import type pg from 'pg';

/** Accounts stay in the global database; registering and editing one appends its event in the same transaction. */
export function createGlobalUsers(global: pg.Pool): Repositories['users'] {
  return {
    ...createUserRepository(global),
    insert: (user) =>
      withTransaction(global, async (client) => {
        const created = await createUserRepository(client).insert(user);
        await appendEvent(client, {
          type: 'user.registered',
          key: userKey(created.id),
          data: { userId: created.id, username: created.username },
        });
        return created;
      }),
    update: (id, changes) =>
      withTransaction(global, async (client) => {
        const updated = await createUserRepository(client).update(id, changes);
        if (updated) {
          await appendEvent(client, {
            type: 'user.updated',
            key: userKey(id),
            data: { userId: id, username: updated.username },
          });
        }
        return updated;
      }),
  };
}

/** Follows stay in the global database; a follow or unfollow that changes something appends its event with it. */
export function createGlobalProfiles(global: pg.Pool): Repositories['profiles'] {
  const followChange =
    (type: 'user.followed' | 'user.unfollowed') => (followerId: number, followeeId: number) =>
      withTransaction(global, async (client) => {
        const profiles = createProfileRepository(client);
        const changed = await (type === 'user.followed' ? profiles.follow : profiles.unfollow)(
          followerId,
          followeeId,
        );
        if (changed) {
          await appendEvent(client, { type, key: userKey(followerId), data: { followerId, followeeId } });
        }
        return changed;
      });
  return {
    ...createProfileRepository(global),
    follow: followChange('user.followed'),
    unfollow: followChange('user.unfollowed'),
  };
}
