import { createHashRing } from '@scaling/ring';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addShard, authorsOnShards, countShardRows, movedTables, type ShardRowCounts } from '../src/index.ts';
import { type Seeded, seedAuthors, writeOnce } from './support/author-writes.ts';
import { createContractWriter } from './support/contract-writer.ts';
import { createShardDatabases, type ShardDatabases } from './support/shard-databases.ts';

const refreshMs = 200;
const names = ['shard1', 'shard2'] as const;

async function idsAcrossShards(databases: ShardDatabases, table: 'articles' | 'comments'): Promise<string[]> {
  const perShard = await Promise.all(
    Object.values(databases.shards).map((pool) => pool.query<{ id: string }>(`SELECT id FROM ${table}`)),
  );
  return perShard.flatMap((result) => result.rows.map((row) => row.id));
}

describe('addShard', () => {
  let databases: ShardDatabases;
  let seeded: Seeded;

  beforeAll(async () => {
    databases = await createShardDatabases(inject('databaseUrl'), names);
    seeded = await seedAuthors(databases, 60);
    const writer = createContractWriter({
      global: databases.global.pool,
      shards: databases.shards,
      refreshMs,
    });
    for (const authorId of seeded.authors) {
      for (let round = 0; round < 3; round++) {
        await writer.write(authorId, (client) => writeOnce(client, authorId, seeded.readers[round] ?? 0));
      }
    }
  });

  afterAll(async () => {
    await databases?.drop();
  });

  it('When authors move to a new shard while writers keep writing, then no row is lost or duplicated, the writers never fail, only the planned authors move and the old copies are gone', async () => {
    const { global } = databases;
    const shards = databases.shards;
    const before = await countShardRows(shards, names);
    const after = createHashRing({ nodes: ['shard1'] }).with('shard2');
    const planned = seeded.authors
      .filter((author) => after.nodeFor(String(author)) === 'shard2')
      .sort((a, b) => a - b);
    expect(planned.length).toBeGreaterThan(0);

    const writer = createContractWriter({ global: global.pool, shards, refreshMs });
    const written = Object.fromEntries(movedTables.map((table) => [table, 0])) as ShardRowCounts;
    const failures: unknown[] = [];
    let writes = 0;
    let moving = true;
    const writers = Array.from({ length: 4 }, async () => {
      while (moving) {
        const authorId = seeded.authors[Math.floor(Math.random() * seeded.authors.length)] as number;
        const readerId = seeded.readers[Math.floor(Math.random() * seeded.readers.length)] as number;
        try {
          const tables = await writer.write(authorId, (client) => writeOnce(client, authorId, readerId));
          for (const table of tables) written[table] += 1;
          writes += 1;
        } catch (error) {
          failures.push(error);
        }
      }
    });
    const lines: string[] = [];
    const report = await addShard({
      global: global.pool,
      shards,
      add: 'shard2',
      routingRefreshMs: refreshMs,
      progress: (line) => lines.push(line),
    }).finally(() => {
      moving = false;
    });
    await Promise.all(writers);

    expect(failures).toEqual([]);
    expect(writes).toBeGreaterThan(0);
    const counts = await countShardRows(shards, names);
    expect(counts).toEqual(
      Object.fromEntries(movedTables.map((table) => [table, before[table] + written[table]])),
    );
    for (const table of ['articles', 'comments'] as const) {
      const ids = await idsAcrossShards(databases, table);
      expect(new Set(ids).size).toBe(ids.length);
    }
    const placed = await authorsOnShards(shards, names);
    expect(
      placed
        .filter((author) => author.shard === 'shard2')
        .map((author) => author.authorId)
        .sort((a, b) => a - b),
    ).toEqual(planned);
    expect(report.moved).toBe(planned.length);
    expect(report.longestPauseMs).toBeGreaterThan(0);
    const leftovers = await databases
      .shard('shard1')
      .query<{ author_id: string }>(
        'SELECT DISTINCT author_id FROM articles WHERE author_id = ANY($1::bigint[])',
        [planned],
      );
    expect(leftovers.rows).toEqual([]);
    const departed = await databases.shard('shard1').query('SELECT * FROM departed_authors');
    expect(departed.rows).toEqual([]);
    const moves = await global.pool.query('SELECT * FROM author_moves');
    expect(moves.rows).toEqual([]);
    const ring = await global.pool.query('SELECT name, state FROM shard_ring ORDER BY name');
    expect(ring.rows).toEqual([
      { name: 'shard1', state: 'active' },
      { name: 'shard2', state: 'active' },
    ]);
    expect(lines.at(-1)).toMatch(/longest write pause/);
  });
});
