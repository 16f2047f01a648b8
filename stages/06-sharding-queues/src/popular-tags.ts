import type { Queryable } from '@scaling/db';
import { withTransaction } from '@scaling/db';
import type { EventType } from '@scaling/events';
import { enqueue, type JobHandler } from '@scaling/jobs';
import type pg from 'pg';
import { queryRing } from './ring-query.ts';

const recount = 'recompute-popular-tags';

/** The events that change the tag counts: the only ones the consumer group `worker` takes a transaction for. */
export const tagCountEvents: readonly EventType[] = ['article.published', 'article.deleted'];

/**
 * The consumer group `worker`: a published or deleted article changes the tag counts, so it queues a recount,
 * unless one is already queued and not yet started, which will count this article too. A burst of a thousand
 * articles then costs a few recounts, not a thousand. Inside the consumer's transaction, with the event's id.
 */
export async function queueTagRecount(tx: Queryable): Promise<void> {
  const { rowCount } = await tx.query(
    `SELECT 1 FROM jobs
      WHERE kind = $1 AND finished_at IS NULL AND failed_at IS NULL AND locked_until IS NULL
      LIMIT 1`,
    [recount],
  );
  if (rowCount === 0) await enqueue(tx, recount, {});
}

/** One shard's tag counts; an author being moved is counted where the router sends their writes, once. */
const tagCountSql = `
  SELECT tags.name AS tag, count(*)::int AS count
    FROM article_tags
    JOIN tags ON tags.id = article_tags.tag_id
    JOIN articles ON articles.id = article_tags.article_id
   WHERE articles.author_id NOT IN (SELECT author_id FROM departed_authors)
     AND articles.author_id NOT IN (SELECT author_id FROM arriving_authors)
   GROUP BY tags.name`;

/**
 * Counts each tag on every shard of the ring (in parallel) and replaces the global popular_tags with the sums. The
 * rows of an author being moved are on two shards for a moment: each shard skips its departed and arriving authors.
 */
export function recountTagsOnShards(shards: ReadonlyMap<string, pg.Pool>): JobHandler<Record<string, never>> {
  return async (_payload, { pool }) => {
    const counted = await queryRing<{ tag: string; count: number }>(pool, shards, tagCountSql);
    const totals = new Map<string, number>();
    for (const { tag, count } of counted) totals.set(tag, (totals.get(tag) ?? 0) + count);
    await withTransaction(pool, async (client) => {
      // Two recounts at once would both delete and then collide inserting the same tags: one at a time.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('popular_tags'))");
      await client.query('DELETE FROM popular_tags');
      await client.query(
        `INSERT INTO popular_tags (tag, article_count, computed_at)
         SELECT tag, article_count, now() FROM unnest($1::text[], $2::int[]) AS counted(tag, article_count)`,
        [[...totals.keys()], [...totals.values()]],
      );
    });
  };
}
