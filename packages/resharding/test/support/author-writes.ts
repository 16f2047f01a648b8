import { uniqueSuffix } from '@scaling/testing';
import type pg from 'pg';
import type { ShardRowCounts } from '../../src/index.ts';
import type { ShardDatabases } from './shard-databases.ts';

export interface Seeded {
  authors: number[];
  readers: number[];
}

/** Users in the global database, half of them authors, half readers who comment and favorite; shard1 the only shard. */
export async function seedAuthors(databases: ShardDatabases, count: number): Promise<Seeded> {
  const ids: number[] = [];
  for (let index = 0; index < count; index++) {
    const suffix = uniqueSuffix();
    const { rows } = await databases.global.pool.query<{ id: string }>(
      `INSERT INTO users (username, email, password_hash) VALUES ($1, $2, 'x') RETURNING id`,
      [`author_${suffix}`, `author_${suffix}@example.com`],
    );
    ids.push(Number(rows[0]?.id));
  }
  await databases.global.pool.query(`INSERT INTO shard_ring (name, state) VALUES ('shard1', 'active')`);
  return { authors: ids.slice(0, count / 2), readers: ids.slice(count / 2) };
}

/** One author's write of the mix: a tagged article, a comment, or a favorite on one of their articles. */
export async function writeOnce(
  client: pg.PoolClient,
  authorId: number,
  readerId: number,
): Promise<(keyof ShardRowCounts)[]> {
  const suffix = uniqueSuffix();
  const { rows } = await client.query<{ id: string }>(
    'SELECT id FROM articles WHERE author_id = $1 ORDER BY random() LIMIT 1',
    [authorId],
  );
  const articleId = rows[0]?.id;
  const choice = articleId ? Math.floor(Math.random() * 3) : 0;
  if (choice === 0) {
    const article = await client.query<{ id: string }>(
      `INSERT INTO articles (slug, title, description, body, author_id) VALUES ($1, $1, 'd', 'b', $2) RETURNING id`,
      [`article-${suffix}`, authorId],
    );
    await client.query(`INSERT INTO tags (name) VALUES ('moving') ON CONFLICT (name) DO NOTHING`);
    await client.query(
      `INSERT INTO article_tags (article_id, tag_id) SELECT $1, id FROM tags WHERE name = 'moving'`,
      [article.rows[0]?.id],
    );
    return ['articles', 'article_tags'];
  }
  if (choice === 1) {
    await client.query('INSERT INTO comments (article_id, author_id, body) VALUES ($1, $2, $3)', [
      articleId,
      readerId,
      `comment ${suffix}`,
    ]);
    return ['comments'];
  }
  const favorite = await client.query(
    'INSERT INTO favorites (user_id, article_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [readerId, articleId],
  );
  return favorite.rowCount === 1 ? ['favorites'] : [];
}
