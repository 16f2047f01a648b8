import type { Profile } from '@scaling/contract';
import type { Queryable } from '@scaling/db';

export interface ProfileRecord extends Profile {
  id: number;
}

export function createProfileRepository(db: Queryable) {
  return {
    async findByUsername(username: string, viewerId: number | null): Promise<ProfileRecord | null> {
      const { rows } = await db.query<ProfileRecord>(
        `SELECT u.id::float8 AS id, u.username, u.bio, u.image,
                EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = $2 AND f.followee_id = u.id) AS following
           FROM users u
          WHERE u.username = $1`,
        [username, viewerId],
      );
      return rows[0] ?? null;
    },

    /** Says whether it changed anything (false when the follow was already there), as `unfollow` does. */
    async follow(followerId: number, followeeId: number): Promise<boolean> {
      const { rowCount } = await db.query(
        'INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [followerId, followeeId],
      );
      return rowCount === 1;
    },

    async unfollow(followerId: number, followeeId: number): Promise<boolean> {
      const { rowCount } = await db.query('DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2', [
        followerId,
        followeeId,
      ]);
      return rowCount === 1;
    },
  };
}
