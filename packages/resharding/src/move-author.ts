import { performance } from 'node:perf_hooks';
import { withTransaction } from '@scaling/db';
import { authorLockClass } from '@scaling/shards';
import type pg from 'pg';
import { countRows, deleteAuthorRows, insertAuthorRows, readAuthorRows } from './author-rows.ts';
import { ReshardingError } from './errors.ts';
import { poolOf, type ShardPools } from './shard-pools.ts';

export interface AuthorMove {
  authorId: number;
  from: string;
  to: string;
}

export interface MovedAuthor extends AuthorMove {
  rows: number;
  /** From asking for the author's lock on the old shard to the commit that ends it: how long their writes waited. */
  pauseMs: number;
}

export interface MoveOptions {
  global: pg.Pool;
  shards: ShardPools;
  /** How long to wait for the author's in-flight writes before giving up on this author (default 10 s). */
  lockTimeoutMs?: number;
}

/**
 * Moves one author's rows from one shard to another, as the stage 6 contract's steps 1-5 say: the author's writes
 * pause from the lock on the old shard to its commit, their reads never stop. A failure before that commit undoes
 * the copy, so the author stays where they were.
 */
export async function moveAuthor(options: MoveOptions, move: AuthorMove): Promise<MovedAuthor> {
  const { global, shards, lockTimeoutMs = 10_000 } = options;
  const { authorId, from, to } = move;
  const source = poolOf(shards, from);
  const target = poolOf(shards, to);
  await global.query(
    `INSERT INTO author_moves (author_id, from_shard, to_shard, state) VALUES ($1, $2, $3, 'moving')
     ON CONFLICT (author_id) DO UPDATE
     SET from_shard = excluded.from_shard, to_shard = excluded.to_shard, state = 'moving', moved_at = NULL`,
    [authorId, from, to],
  );
  const client = await source.connect();
  let copied = false;
  let pauseMs: number;
  let rows: number;
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = ${Math.round(lockTimeoutMs)}`);
    const lockAskedAt = performance.now();
    // The lock every shard write takes shared for its owner (@scaling/shards' fence): taken exclusive here, it waits
    // for the author's writes in flight, and new ones queue behind it.
    await client.query('SELECT pg_advisory_xact_lock($1, $2::int)', [authorLockClass, authorId]);
    const authorRows = await readAuthorRows(client, authorId);
    rows = countRows(authorRows);
    // arriving_authors hides the copies until the old shard gives them up, even if this process dies in between.
    await withTransaction(target, async (copy) => {
      await copy.query('INSERT INTO arriving_authors (author_id) VALUES ($1)', [authorId]);
      const inserted = await insertAuthorRows(copy, authorRows);
      if (inserted !== rows) {
        throw new ReshardingError(
          'RESHARD_ROWS_MISMATCH',
          `Author ${authorId}: ${rows} rows read on ${from} but ${inserted} inserted on ${to}; check that both shards run the same migrations.`,
        );
      }
    });
    copied = true;
    // Both copies visible for a moment (readers dedupe by id), so no reader ever sees neither.
    await target.query('DELETE FROM arriving_authors WHERE author_id = $1', [authorId]);
    await client.query('INSERT INTO departed_authors (author_id, to_shard) VALUES ($1, $2)', [authorId, to]);
    await client.query('COMMIT');
    pauseMs = performance.now() - lockAskedAt;
  } catch (error) {
    const rollbackError = await client.query('ROLLBACK').then(
      () => undefined,
      (failure: Error) => failure,
    );
    client.release(rollbackError);
    await undoMove(options, move, copied);
    throw new ReshardingError(
      'RESHARD_MOVE_FAILED',
      `Moving author ${authorId} from ${from} to ${to} failed and was undone (the author stays on ${from}): ${
        error instanceof Error ? error.message : String(error)
      }. Fix the cause and run the resharding again; authors already moved stay moved.`,
      { cause: error },
    );
  }
  client.release();
  await global.query(`UPDATE author_moves SET state = 'moved', moved_at = now() WHERE author_id = $1`, [
    authorId,
  ]);
  return { ...move, rows, pauseMs };
}

/** The old shard still owns the author: drop any copy on the new one and forget the move. */
export async function undoMove(options: MoveOptions, move: AuthorMove, copied = true): Promise<void> {
  const target = poolOf(options.shards, move.to);
  if (copied) {
    await withTransaction(target, async (copy) => {
      await deleteAuthorRows(copy, move.authorId);
      await copy.query('DELETE FROM arriving_authors WHERE author_id = $1', [move.authorId]);
    });
  }
  await options.global.query(`DELETE FROM author_moves WHERE author_id = $1 AND state = 'moving'`, [
    move.authorId,
  ]);
}
