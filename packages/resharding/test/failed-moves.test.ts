import { withTransaction } from '@scaling/db';
import { createHashRing } from '@scaling/ring';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertAuthorRows, readAuthorRows } from '../src/author-rows.ts';
import { addShard, authorsOnShards, countShardRows, moveAuthor, ReshardingError } from '../src/index.ts';
import {
  type Client,
  comment,
  publish,
  register,
  routingRefreshMs,
  type ShardedStage,
  startShardedStage,
} from './support/sharded-api.ts';

const names = ['shard1', 'shard2'] as const;

describe('a move that does not finish', () => {
  let stage: ShardedStage;
  let shard1: pg.Pool;
  let shard2: pg.Pool;
  /** An author the ring with shard2 places there, with two articles and a comment on each. */
  let mover: Client;

  beforeEach(async () => {
    stage = await startShardedStage(names, ['shard1']);
    shard1 = stage.shards.shard1 as pg.Pool;
    shard2 = stage.shards.shard2 as pg.Pool;
    const ring = createHashRing({ nodes: names });
    const reader = await register(stage);
    for (let attempt = 0; attempt < 50; attempt++) {
      const author = await register(stage);
      if (ring.nodeFor(String(author.id)) !== 'shard2') continue;
      for (let index = 0; index < 2; index++) {
        const published = await publish(stage, author);
        expect(published.ok, published.detail).toBe(true);
        const commented = await comment(stage, reader, published.slug as string);
        expect(commented.ok, commented.detail).toBe(true);
      }
      mover = author;
      return;
    }
    throw new Error('50 registrations put no author on shard2: is the ring seeded with shard1?');
  }, 30_000);

  afterEach(async () => {
    await stage?.close();
  });

  it('When a run died after copying an author, then the next run drops the hidden copy and moves the author once', async () => {
    const { global } = stage;
    const before = await countShardRows(stage.shards, names);
    await global.pool.query(`INSERT INTO shard_ring (name, state) VALUES ('shard2', 'joining')`);
    await global.pool.query(
      `INSERT INTO author_moves (author_id, from_shard, to_shard, state) VALUES ($1, 'shard1', 'shard2', 'moving')`,
      [mover.id],
    );
    // What step 3 leaves when the process dies right after its commit.
    const rows = await readAuthorRows(shard1, mover.id);
    await withTransaction(shard2, async (client) => {
      await client.query('INSERT INTO arriving_authors (author_id) VALUES ($1)', [mover.id]);
      await insertAuthorRows(client, rows);
    });

    await addShard({ global: global.pool, shards: stage.shards, add: 'shard2', routingRefreshMs });

    expect(await countShardRows(stage.shards, names)).toEqual(before);
    const copies = await shard2.query(
      'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM articles',
    );
    expect(copies.rows[0]).toEqual({ n: 2, ids: 2 });
    const arriving = await shard2.query('SELECT * FROM arriving_authors');
    expect(arriving.rows).toEqual([]);
    const placed = await authorsOnShards(stage.shards, names);
    expect(placed.filter((author) => author.authorId === mover.id).map((author) => author.shard)).toEqual([
      'shard2',
    ]);
  });

  it('When the new shard refuses an author’s copy, then the move is undone and the author keeps publishing on the old shard', async () => {
    const { global } = stage;
    const { rows } = await shard1.query<{ slug: string }>(
      'SELECT slug FROM articles WHERE author_id = $1 LIMIT 1',
      [mover.id],
    );
    // An article on shard2 holding the same slug: the copy breaks its unique index.
    await shard2.query(
      `INSERT INTO articles (slug, title, description, body, author_id) VALUES ($1, 't', 'd', 'b', 0)`,
      [rows[0]?.slug],
    );
    await global.pool.query(`INSERT INTO shard_ring (name, state) VALUES ('shard2', 'joining')`);

    const move = moveAuthor(
      { global: global.pool, shards: stage.shards },
      { authorId: mover.id, from: 'shard1', to: 'shard2' },
    );

    await expect(move).rejects.toThrow(ReshardingError);
    await expect(move).rejects.toMatchObject({ code: 'RESHARD_MOVE_FAILED' });
    expect((await global.pool.query('SELECT * FROM author_moves')).rows).toEqual([]);
    expect((await shard1.query('SELECT * FROM departed_authors')).rows).toEqual([]);
    expect((await shard2.query('SELECT id FROM articles WHERE author_id = $1', [mover.id])).rows).toEqual([]);
    const published = await publish(stage, mover);
    expect(published.ok, published.detail).toBe(true);
    const onShard1 = await shard1.query('SELECT id FROM articles WHERE slug = $1', [published.slug]);
    expect(onShard1.rows).toHaveLength(1);
  });
});
