import { withTransaction } from '@scaling/db';
import type pg from 'pg';
import { deleteAuthorRows } from './author-rows.ts';
import { poolOf, type ShardPools } from './shard-pools.ts';

export interface CleanUpOptions {
  global: pg.Pool;
  shards: ShardPools;
  /** The shards that gave authors away. */
  from: readonly string[];
  /** The shard they went to: only its moves are forgotten. */
  to: string;
  progress?: (line: string) => void;
}

/**
 * Deletes the old copies of the authors who left for `to`, one author per transaction (short locks, a crash leaves
 * the rest for the next run), then the moves that routers no longer need: the ring places those authors on `to`.
 * Run it only once every router has read the ring with `to` active, or a late writer would find no departed row.
 */
export async function cleanUpMoved(options: CleanUpOptions): Promise<{ authors: number; rows: number }> {
  const { global, shards, from, to, progress = () => {} } = options;
  let authors = 0;
  let rows = 0;
  for (const shard of from) {
    const pool = poolOf(shards, shard);
    const { rows: departed } = await pool.query<{ author_id: string }>(
      'SELECT author_id FROM departed_authors WHERE to_shard = $1 ORDER BY author_id',
      [to],
    );
    for (const { author_id } of departed) {
      const authorId = Number(author_id);
      rows += await withTransaction(pool, async (client) => {
        const deleted = await deleteAuthorRows(client, authorId);
        await client.query('DELETE FROM departed_authors WHERE author_id = $1', [authorId]);
        return deleted;
      });
      authors += 1;
    }
    if (departed.length > 0) progress(`${shard}: deleted the old copies of ${departed.length} author(s)`);
  }
  await global.query(`DELETE FROM author_moves WHERE to_shard = $1 AND state = 'moved'`, [to]);
  return { authors, rows };
}
