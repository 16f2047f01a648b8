import { afterAll, describe, expect, it } from 'vitest';
import { notifyFollowers } from '../src/index.ts';
import { createTestPool } from './support/database.ts';
import { buildArticle, buildFollow, buildUser } from './support/factories.ts';
import { claimedJob, silentLogger } from './support/worker-kit.ts';

const pool = createTestPool();
afterAll(() => pool.end());

async function notifiedUsers(articleId: number): Promise<number[]> {
  const { rows } = await pool.query<{ user_id: string }>(
    'SELECT user_id FROM notifications WHERE article_id = $1 ORDER BY user_id',
    [articleId],
  );
  return rows.map((row) => Number(row.user_id));
}

describe('notify-followers', () => {
  it('When it runs twice for an article, then every follower of the author has exactly one notification', async () => {
    const authorId = await buildUser(pool);
    const followers = [await buildUser(pool), await buildUser(pool), await buildUser(pool)];
    const stranger = await buildUser(pool);
    for (const followerId of followers) await buildFollow(pool, followerId, authorId);
    await buildFollow(pool, authorId, stranger);
    const articleId = await buildArticle(pool, { authorId });
    const context = { pool, logger: silentLogger, job: claimedJob({ kind: 'notify-followers' }) };

    await notifyFollowers({ articleId, authorId }, context);
    await notifyFollowers({ articleId, authorId }, context);

    expect(await notifiedUsers(articleId)).toEqual(followers.toSorted((a, b) => a - b));
  });

  it('When the article was deleted before the job ran, then it notifies nobody and succeeds', async () => {
    const authorId = await buildUser(pool);
    await buildFollow(pool, await buildUser(pool), authorId);
    const articleId = await buildArticle(pool, { authorId });
    await pool.query('DELETE FROM articles WHERE id = $1', [articleId]);

    await notifyFollowers({ articleId, authorId }, { pool, logger: silentLogger, job: claimedJob() });

    expect(await notifiedUsers(articleId)).toEqual([]);
  });
});
