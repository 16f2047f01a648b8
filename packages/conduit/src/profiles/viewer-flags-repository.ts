import type { Queryable } from '@scaling/db';

/** Of the slugs and usernames asked about, the ones the viewer favorited and follows. */
export interface ViewerFlags {
  favorited: Set<string>;
  following: Set<string>;
}

/**
 * The per-viewer fields of an article or a profile, apart from the object itself: a cache then shares the object
 * between viewers and lays these over it (stage 4's read path). One statement for both questions, each answered
 * from a primary key (favorites by user_id, follows by follower_id) joined to the unique slug and username.
 */
export function createViewerFlagsRepository(db: Queryable) {
  return {
    async find(
      viewerId: number,
      asked: { slugs: readonly string[]; usernames: readonly string[] },
    ): Promise<ViewerFlags> {
      if (asked.slugs.length === 0 && asked.usernames.length === 0) {
        return { favorited: new Set(), following: new Set() };
      }
      const { rows } = await db.query<{ favorited: string[]; following: string[] }>(
        `SELECT coalesce((SELECT array_agg(a.slug) FROM favorites f JOIN articles a ON a.id = f.article_id
                           WHERE f.user_id = $1 AND a.slug = ANY($2::text[])), '{}') AS favorited,
                coalesce((SELECT array_agg(u.username) FROM follows fo JOIN users u ON u.id = fo.followee_id
                           WHERE fo.follower_id = $1 AND u.username = ANY($3::text[])), '{}') AS following`,
        [viewerId, asked.slugs, asked.usernames],
      );
      const row = rows[0];
      return { favorited: new Set(row?.favorited), following: new Set(row?.following) };
    },
  };
}

export type ViewerFlagsRepository = ReturnType<typeof createViewerFlagsRepository>;
