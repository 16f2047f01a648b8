import type { JobHandler, JobPayloads } from '../types.ts';

/**
 * One set-based INSERT for all followers, however many. The unique (user_id, article_id) makes a rerun a no-op,
 * and the join on articles makes a job for an article deleted meanwhile insert nothing instead of failing forever.
 */
export const notifyFollowers: JobHandler<JobPayloads['notify-followers']> = async (payload, { pool }) => {
  await pool.query(
    `INSERT INTO notifications (user_id, article_id)
     SELECT follows.follower_id, articles.id
     FROM follows JOIN articles ON articles.id = $1
     WHERE follows.followee_id = $2
     ON CONFLICT (user_id, article_id) DO NOTHING`,
    [payload.articleId, payload.authorId],
  );
};
