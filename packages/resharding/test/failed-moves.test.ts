import { withTransaction } from '@scaling/db';
import { createHashRing } from '@scaling/ring';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { insertAuthorRows, readAuthorRows } from '../src/author-rows.ts';
import { addShard, authorsOnShards, countShardRows, moveAuthor, ReshardingError } from '../src/index.ts';
import { type Seeded, seedAuthors, writeOnce } from './support/author-writes.ts';
import { createContractWriter } from './support/contract-writer.ts';
import { createShardDatabases, type ShardDatabases } from './support/shard-databases.ts';

const names = ['shard1', 'shard2'] as const;

describe('a move that does not finish', () => {
  let databases: ShardDatabases;
  let seeded: Seeded;
  let movingAuthor: number;

  beforeEach(async () => {
    databases = await createShardDatabases(inject('databaseUrl'), names);
    seeded = await seedAuthors(databases, 20);
    const writer = createContractWriter({
      global: databases.global.pool,
      shards: databases.shards,
      refreshMs: 0,
    });
    for (const authorId of seeded.authors) {
      for (let round = 0; round < 3; round++) {
        await writer.write(authorId, (client) => writeOnce(client, authorId, seeded.readers[round] ?? 0));
      }
    }
    const ring = createHashRing({ nodes: ['shard1', 'shard2'] });
    const planned = seeded.authors.find((author) => ring.nodeFor(String(author)) === 'shard2');
    if (planned === undefined) throw new Error('No seeded author is placed on shard2: seed more authors.');
    movingAuthor = planned;
  });

  afterEach(async () => {
    await databases?.drop();
  });

  it('When a run died after copying an author, then the next run drops the hidden copy and moves the author once', async () => {
    const { global, shards } = databases;
    const before = await countShardRows(shards, names);
    await global.pool.query(`INSERT INTO shard_ring (name, state) VALUES ('shard2', 'joining')`);
    await global.pool.query(
      `INSERT INTO author_moves (author_id, from_shard, to_shard, state) VALUES ($1, 'shard1', 'shard2', 'moving')`,
      [movingAuthor],
    );
    // What step 3 leaves when the process dies right after its commit.
    const rows = await readAuthorRows(databases.shard('shard1'), movingAuthor);
    await withTransaction(databases.shard('shard2'), async (client) => {
      await client.query('INSERT INTO arriving_authors (author_id) VALUES ($1)', [movingAuthor]);
      await insertAuthorRows(client, rows);
    });

    await addShard({ global: global.pool, shards, add: 'shard2', routingRefreshMs: 50 });

    expect(await countShardRows(shards, names)).toEqual(before);
    const articles = await databases
      .shard('shard2')
      .query<{ n: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM articles WHERE author_id = $1',
        [movingAuthor],
      );
    expect(articles.rows[0]).toEqual({ n: rows.articles.length, ids: rows.articles.length });
    const arriving = await databases.shard('shard2').query('SELECT * FROM arriving_authors');
    expect(arriving.rows).toEqual([]);
    const placed = await authorsOnShards(shards, names);
    expect(placed.find((author) => author.authorId === movingAuthor)?.shard).toBe('shard2');
  });

  it('When the new shard refuses an author’s copy, then the move is undone and the author keeps writing on the old shard', async () => {
    const { global, shards } = databases;
    const before = await countShardRows(shards, names);
    const { rows } = await databases
      .shard('shard1')
      .query<{ slug: string }>('SELECT slug FROM articles WHERE author_id = $1 LIMIT 1', [movingAuthor]);
    // Another author's article on shard2 holding the same slug: the copy breaks its unique index.
    await databases
      .shard('shard2')
      .query(
        `INSERT INTO articles (slug, title, description, body, author_id) VALUES ($1, 't', 'd', 'b', $2)`,
        [rows[0]?.slug, seeded.readers[0]],
      );
    await global.pool.query(`INSERT INTO shard_ring (name, state) VALUES ('shard2', 'joining')`);

    const move = moveAuthor(
      { global: global.pool, shards },
      { authorId: movingAuthor, from: 'shard1', to: 'shard2' },
    );

    await expect(move).rejects.toThrow(ReshardingError);
    await expect(move).rejects.toMatchObject({ code: 'RESHARD_MOVE_FAILED' });
    const moves = await global.pool.query('SELECT * FROM author_moves');
    expect(moves.rows).toEqual([]);
    const departed = await databases.shard('shard1').query('SELECT * FROM departed_authors');
    expect(departed.rows).toEqual([]);
    const copies = await databases
      .shard('shard2')
      .query('SELECT id FROM articles WHERE author_id = $1', [movingAuthor]);
    expect(copies.rows).toEqual([]);
    const writer = createContractWriter({ global: global.pool, shards, refreshMs: 0 });
    await writer.write(movingAuthor, (client) => writeOnce(client, movingAuthor, seeded.readers[1] ?? 0));
    const after = await countShardRows({ shard1: databases.shard('shard1') }, ['shard1']);
    expect(after.articles + after.comments + after.favorites).toBe(
      before.articles + before.comments + before.favorites + 1,
    );
  });
});
