import { withTransaction } from '@scaling/db';
import type { JobHandler, JobPayloads } from '../types.ts';

/**
 * Recounts every tag over all of article_tags: deliberately a full scan and aggregate, the kind of heavy job that
 * competes with the API for the same CPU and disk while it runs in-process on one host.
 */
export const recomputePopularTags: JobHandler<JobPayloads['recompute-popular-tags']> = async (
  _payload,
  { pool, job },
) => {
  await withTransaction(pool, async (client) => {
    // Two recomputes at once would both delete and then collide inserting the same tags: one at a time.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('popular_tags'))");
    // Every article published so far is counted below, so the recomputes queued for them are done as well: this keeps
    // a burst of publishing from piling up one full recount per article.
    await client.query(
      `UPDATE jobs SET finished_at = now(), locked_until = NULL
       WHERE id IN (
         SELECT id FROM jobs
         WHERE kind = $1 AND id <> $2 AND finished_at IS NULL AND failed_at IS NULL
           AND (locked_until IS NULL OR locked_until < now())
         FOR UPDATE SKIP LOCKED
       )`,
      [job.kind, job.id],
    );
    await client.query('DELETE FROM popular_tags');
    await client.query(
      `INSERT INTO popular_tags (tag, article_count, computed_at)
       SELECT tags.name, count(*), now()
       FROM article_tags JOIN tags ON tags.id = article_tags.tag_id
       GROUP BY tags.name`,
    );
  });
};
