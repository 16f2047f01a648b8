import type { Placement } from '@scaling/ring';
import { authorSettled } from '@scaling/shards';
import type { AuthorMove } from './move-author.ts';
import { poolOf, type ShardPools } from './shard-pools.ts';

/** An author found on a shard, weighted by the rows that would move with them. */
export interface AuthorOnShard {
  authorId: number;
  shard: string;
  rows: number;
}

/**
 * The authors each shard holds (neither given away nor still arriving), with their rows: articles plus the comments,
 * favorites and tags on them. One query per shard; the author count is what a plan costs.
 */
export async function authorsOnShards(
  shards: ShardPools,
  names: readonly string[],
): Promise<AuthorOnShard[]> {
  const perShard = await Promise.all(
    names.map(async (shard) => {
      const { rows } = await poolOf(shards, shard).query<{ author_id: string; rows: number }>(
        `SELECT author_id,
           (count(*) + sum((SELECT count(*) FROM comments c WHERE c.article_id = a.id)
             + (SELECT count(*) FROM favorites f WHERE f.article_id = a.id)
             + (SELECT count(*) FROM article_tags t WHERE t.article_id = a.id)))::int AS rows
         FROM articles a
         WHERE ${authorSettled('author_id')}
         GROUP BY author_id`,
      );
      return rows.map((row) => ({ authorId: Number(row.author_id), shard, rows: row.rows }));
    }),
  );
  return perShard.flat();
}

/** The moves that make the data match `after`: only authors `after` places on `to` and who live elsewhere. */
export function planMoves(authors: readonly AuthorOnShard[], after: Placement, to: string): AuthorMove[] {
  return authors
    .filter((author) => author.shard !== to && after.nodeFor(String(author.authorId)) === to)
    .map((author) => ({ authorId: author.authorId, from: author.shard, to }));
}
