import type { Queryable } from '@scaling/db';

export interface RenderedDigest {
  userId: number;
  body: string;
  articleCount: number;
}

/** One statement per batch; the primary key turns a rerun into an overwrite with the counts of that moment. */
const upsertSql = `
  INSERT INTO digests (user_id, week, body, article_count)
  SELECT digest.user_id, $1::date, digest.body, digest.article_count
  FROM unnest($2::bigint[], $3::text[], $4::int[]) AS digest(user_id, body, article_count)
  ON CONFLICT (user_id, week) DO UPDATE
  SET body = excluded.body, article_count = excluded.article_count, created_at = now()`;

/** Stores a batch of digests of `week` (a Monday, YYYY-MM-DD), replacing those a previous run stored. */
export async function storeDigests(
  db: Queryable,
  week: string,
  digests: readonly RenderedDigest[],
): Promise<void> {
  if (digests.length === 0) return;
  await db.query(upsertSql, [
    week,
    digests.map((digest) => digest.userId),
    digests.map((digest) => digest.body),
    digests.map((digest) => digest.articleCount),
  ]);
}
