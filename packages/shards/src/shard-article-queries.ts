import { type ArticleOwnRow, articleOwnColumns, taggedWith } from '@scaling/conduit';
import type pg from 'pg';
import { authorSettled } from './fence.ts';

/** What one shard is asked for in a list: every condition is on the shard's own rows. */
export interface ShardListFilter {
  authorIds?: readonly number[] | undefined;
  tag?: string | undefined;
  favoritedByUserId?: number | undefined;
}

/** One article on a shard, with the viewer's favorited flag; its author comes from the global database. */
export async function findArticleOnShard(
  db: pg.Pool,
  articleId: number,
  viewerId: number | null,
): Promise<ArticleOwnRow | null> {
  const { rows } = await db.query<ArticleOwnRow>(
    `SELECT ${articleOwnColumns('$2::bigint', true)} FROM articles a
      WHERE a.id = $1 AND ${authorSettled('a.author_id')}`,
    [articleId, viewerId],
  );
  return rows[0] ?? null;
}

function whereOnShard(filter: ShardListFilter, params: unknown[]): string {
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const conditions = [authorSettled('a.author_id')];
  if (filter.authorIds !== undefined)
    conditions.push(`a.author_id = ANY(${param(filter.authorIds)}::bigint[])`);
  if (filter.tag !== undefined) conditions.push(taggedWith(param(filter.tag)));
  if (filter.favoritedByUserId !== undefined) {
    conditions.push(`EXISTS (SELECT 1 FROM favorites f
                              WHERE f.article_id = a.id AND f.user_id = ${param(filter.favoritedByUserId)})`);
  }
  return `WHERE ${conditions.join(' AND ')}`;
}

/**
 * One shard's part of a list: its first `rows` matching articles newest first (the merge needs no more than offset +
 * limit from each shard), and how many match there. Two queries, in parallel.
 */
export async function listOnShard(
  db: pg.Pool,
  filter: ShardListFilter,
  rows: number,
  viewerId: number | null,
): Promise<{ rows: ArticleOwnRow[]; count: number }> {
  const pageParams: unknown[] = [viewerId];
  const pageWhere = whereOnShard(filter, pageParams);
  pageParams.push(rows);
  const countParams: unknown[] = [];
  const countWhere = whereOnShard(filter, countParams);
  const [page, count] = await Promise.all([
    db.query<ArticleOwnRow>(
      `SELECT ${articleOwnColumns('$1::bigint', false)} FROM articles a ${pageWhere}
        ORDER BY a.created_at DESC, a.id DESC LIMIT $${pageParams.length}`,
      pageParams,
    ),
    db.query<{ count: number }>(`SELECT count(*)::int AS count FROM articles a ${countWhere}`, countParams),
  ]);
  return { rows: page.rows, count: count.rows[0]?.count ?? 0 };
}
