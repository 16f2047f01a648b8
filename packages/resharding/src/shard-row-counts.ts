import { authorSettled } from '@scaling/shards';
import { type MovedTable, movedTables } from './author-rows.ts';
import { poolOf, type ShardPools } from './shard-pools.ts';

export type ShardRowCounts = Record<MovedTable, number>;

/**
 * The rows of every table a move touches, summed over the shards, counting an author's rows only where they are
 * visible (not on a shard they departed from or are still arriving at): before and after a resharding, 0 lost and
 * 0 duplicated rows means equal counts once the writes in between are added.
 */
export async function countShardRows(shards: ShardPools, names: readonly string[]): Promise<ShardRowCounts> {
  const totals = Object.fromEntries(movedTables.map((table) => [table, 0])) as ShardRowCounts;
  const perShard = await Promise.all(
    names.map((name) =>
      poolOf(shards, name).query<Record<MovedTable, number>>(
        `WITH visible AS (
           SELECT id FROM articles WHERE ${authorSettled('author_id')})
         SELECT ${movedTables
           .map((table) =>
             table === 'articles'
               ? '(SELECT count(*) FROM visible)::int AS articles'
               : `(SELECT count(*) FROM ${table} WHERE article_id IN (SELECT id FROM visible))::int AS ${table}`,
           )
           .join(', ')}`,
      ),
    ),
  );
  for (const { rows } of perShard) {
    for (const table of movedTables) totals[table] += rows[0]?.[table] ?? 0;
  }
  return totals;
}
