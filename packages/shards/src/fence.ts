import { withTransaction } from '@scaling/db';
import type pg from 'pg';
import { AuthorMovedError, isAuthorMoved } from './errors.ts';
import type { ShardSet } from './shard-set.ts';

/** The advisory lock class of an author's writes: shared by each write, exclusive while resharding moves them. */
export const authorLockClass = 6006;

/**
 * Runs fn in one transaction on the shard that holds `ownerId`'s rows, behind the resharding fence: it first takes
 * the author's lock shared (a move holds it exclusively, so the write waits out the copy), then checks that the
 * author has not left this shard. If they have, the write runs again, once, on the shard they moved to: nothing of
 * it ran on the old one, since the check comes first.
 */
export async function writeAsOwner<T>(
  shards: ShardSet,
  ownerId: number,
  fn: (client: pg.PoolClient, shard: string) => Promise<T>,
): Promise<T> {
  const shard = shards.router.shardOf(ownerId);
  try {
    return await fencedTransaction(shards, shard, ownerId, fn);
  } catch (error) {
    if (!isAuthorMoved(error)) throw error;
    shards.measures.retriedAfterMove(shard, error.toShard);
    return fencedTransaction(shards, error.toShard, ownerId, fn);
  }
}

async function fencedTransaction<T>(
  shards: ShardSet,
  shard: string,
  ownerId: number,
  fn: (client: pg.PoolClient, shard: string) => Promise<T>,
): Promise<T> {
  const result = await withTransaction(shards.pool(shard), async (client) => {
    await client.query('SELECT pg_advisory_xact_lock_shared($1, $2::int)', [authorLockClass, ownerId]);
    // A statement of its own: READ COMMITTED takes a snapshot per statement, and the check must see a move that
    // committed while the lock was waited for (in one statement it would read the snapshot from before the wait).
    const departed = await departedTo(client, ownerId);
    if (departed !== null) throw new AuthorMovedError(ownerId, shard, departed);
    return fn(client, shard);
  });
  shards.measures.wrote(shard);
  return result;
}

/** The shard an author's rows left this one for, or null while they are here. */
export async function departedTo(db: pg.Pool | pg.PoolClient, authorId: number): Promise<string | null> {
  const { rows } = await db.query<{ to_shard: string }>(
    'SELECT to_shard FROM departed_authors WHERE author_id = $1',
    [authorId],
  );
  return rows[0]?.to_shard ?? null;
}

/**
 * Reads an author's rows on their shard. A read that finds nothing there asks whether the author just left (this
 * process's routing is up to SHARD_ROUTING_REFRESH_MS behind a move) and then reads on the shard they moved to.
 */
export async function readAsOwner<T>(
  shards: ShardSet,
  ownerId: number,
  read: (db: pg.Pool, shard: string) => Promise<T>,
  found: (result: T) => boolean,
): Promise<T> {
  const shard = shards.router.shardOf(ownerId);
  const pool = shards.pool(shard);
  const result = await read(pool, shard);
  if (found(result)) return result;
  const moved = await departedTo(pool, ownerId);
  return moved === null ? result : read(shards.pool(moved), moved);
}

/**
 * SQL over a shard: the author in `authorId` (a column or a parameter) is neither leaving nor arriving, so a row
 * being moved is read from exactly one shard (see the resharding protocol in README.md).
 */
export function authorSettled(authorId: string): string {
  return `${authorId} NOT IN (SELECT author_id FROM departed_authors UNION ALL SELECT author_id FROM arriving_authors)`;
}
