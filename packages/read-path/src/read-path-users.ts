import { createUserRepository, type UserRepository } from '@scaling/conduit';
import type pg from 'pg';
import type { ChangePublisher } from './change-publisher.ts';
import { createChangeSet } from './change-set.ts';

/**
 * Accounts stay on the primary: login, registration and settings are rare, and each must see the latest row
 * (a login right after signing up, a uniqueness check). Their writes are published: a new user's profile, and a
 * profile change under the old and the new username.
 */
export function createReadPathUsers(primary: pg.Pool, publish: ChangePublisher): UserRepository {
  const users = createUserRepository(primary);
  return {
    ...users,
    async insert(user) {
      const created = await users.insert(user);
      const changes = createChangeSet();
      changes.userCreated(created.username);
      changes.writer(created.id);
      await publish(changes.toChange());
      return created;
    },
    async update(id, fields) {
      const showsInProfile =
        fields.username !== undefined || fields.bio !== undefined || fields.image !== undefined;
      const before = showsInProfile ? await users.findById(id) : null;
      const updated = await users.update(id, fields);
      if (!updated) return updated;
      const changes = createChangeSet();
      if (showsInProfile)
        changes.profile(id, [...new Set([before?.username ?? updated.username, updated.username])]);
      changes.writer(id);
      await publish(changes.toChange());
      return updated;
    },
  };
}
