import { randomUUID } from 'node:crypto';
import type pg from 'pg';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function buildUser(pool: pg.Pool, overrides: { username?: string } = {}): Promise<number> {
  const username = overrides.username ?? uniqueName('jobs-user');
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO users (username, email, password_hash) VALUES ($1, $2, 'not-a-real-hash') RETURNING id`,
    [username, `${username}@example.com`],
  );
  return Number(rows[0]?.id);
}

export async function buildArticle(
  pool: pg.Pool,
  overrides: {
    authorId: number;
    tags?: string[];
    title?: string;
    body?: string;
    favoritesCount?: number;
    createdAt?: Date;
  },
): Promise<number> {
  const title = overrides.title ?? uniqueName('jobs-article');
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO articles (slug, title, description, body, author_id, favorites_count, created_at)
     VALUES ($1, $1, 'A description.', $2, $3, $4, coalesce($5, now())) RETURNING id`,
    [
      title,
      overrides.body ?? 'A body.',
      overrides.authorId,
      overrides.favoritesCount ?? 0,
      overrides.createdAt ?? null,
    ],
  );
  const articleId = Number(rows[0]?.id);
  for (const tag of overrides.tags ?? []) {
    await pool.query(
      `WITH tag AS (
         INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id
       )
       INSERT INTO article_tags (article_id, tag_id) SELECT $2, id FROM tag`,
      [tag, articleId],
    );
  }
  return articleId;
}

export async function buildFollow(pool: pg.Pool, followerId: number, followeeId: number): Promise<void> {
  await pool.query('INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2)', [
    followerId,
    followeeId,
  ]);
}
