import { createHashRing } from '@scaling/ring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addShard, authorsOnShards, countShardRows, type ShardRowCounts } from '../src/index.ts';
import {
  type Answer,
  type Client,
  comment,
  favorite,
  publish,
  readBack,
  register,
  routingRefreshMs,
  type ShardedStage,
  startShardedStage,
} from './support/sharded-api.ts';

const names = ['shard1', 'shard2'] as const;

/** What each successful request adds, per table: an article with its one tag, a comment, a new favorite. */
const rowsOf: Record<string, Partial<ShardRowCounts>> = {
  publish: { articles: 1, article_tags: 1 },
  comment: { comments: 1 },
  favorite: { favorites: 1 },
};

describe('addShard under the sharded API', () => {
  let stage: ShardedStage;
  let authors: Client[];
  let readers: Client[];
  const articles: { slug: string; author: Client }[] = [];

  beforeAll(async () => {
    stage = await startShardedStage(names, ['shard1']);
    authors = [];
    for (let index = 0; index < 16; index++) authors.push(await register(stage));
    readers = [];
    for (let index = 0; index < 6; index++) readers.push(await register(stage));
    for (const author of authors) {
      for (let index = 0; index < 2; index++) {
        const published = await publish(stage, author);
        expect(published.ok, published.detail).toBe(true);
        articles.push({ slug: published.slug as string, author });
      }
    }
  }, 60_000);

  afterAll(async () => {
    await stage?.close();
  });

  it('When authors move to a new shard while clients keep writing and reading, then no row is lost or duplicated, no request fails, only the planned authors move and the old copies are gone', async () => {
    const { global, shards } = stage;
    const ring = createHashRing({ nodes: ['shard1'] }).with('shard2');
    const planned = authors
      .filter((author) => ring.nodeFor(String(author.id)) === 'shard2')
      .map((author) => author.id)
      .sort((a, b) => a - b);
    expect(planned.length).toBeGreaterThan(0);
    const before = await countShardRows(shards, names);
    const answers: Answer[] = [];
    const favorited = new Set<string>();
    let moving = true;
    const clients = Array.from({ length: 4 }, async (_, client) => {
      for (let step = 0; moving; step++) {
        const target = articles[(client * 7 + step * 5) % articles.length] as (typeof articles)[number];
        const reader = readers[(client + step) % readers.length] as Client;
        const kind = step % 4;
        if (kind === 0) {
          const author = authors[(client + step) % authors.length] as Client;
          answers.push(await publish(stage, author));
        } else if (kind === 1) {
          answers.push(await comment(stage, reader, target.slug));
        } else if (kind === 2 && !favorited.has(`${reader.id}/${target.slug}`)) {
          favorited.add(`${reader.id}/${target.slug}`);
          answers.push(await favorite(stage, reader, target.slug));
        } else {
          answers.push(...(await readBack(stage, target.slug, target.author)));
        }
      }
    });
    const report = await addShard({ global: global.pool, shards, add: 'shard2', routingRefreshMs }).finally(
      () => {
        moving = false;
      },
    );
    await Promise.all(clients);

    expect(answers.filter((answer) => !answer.ok)).toEqual([]);
    expect(answers.filter((answer) => answer.what.startsWith('read')).length).toBeGreaterThan(0);
    const expected = { ...before };
    for (const answer of answers) {
      for (const [table, rows] of Object.entries(rowsOf[answer.what] ?? {})) {
        expected[table as keyof ShardRowCounts] += rows;
      }
    }
    expect(await countShardRows(shards, names)).toEqual(expected);
    for (const table of ['articles', 'comments']) {
      const ids = (
        await Promise.all(
          Object.values(shards).map((pool) => pool.query<{ id: string }>(`SELECT id FROM ${table}`)),
        )
      ).flatMap((result) => result.rows.map((row) => row.id));
      expect(new Set(ids).size, `${table} ids on two shards`).toBe(ids.length);
    }
    const placed = await authorsOnShards(shards, names);
    const onShard2 = placed.filter((author) => author.shard === 'shard2').map((author) => author.authorId);
    expect(onShard2.sort((a, b) => a - b)).toEqual(planned);
    expect(report.moved).toBe(planned.length);
    expect(report.longestPauseMs).toBeGreaterThan(0);
    const leftovers = await shards.shard1?.query(
      'SELECT id FROM articles WHERE author_id = ANY($1::bigint[])',
      [planned],
    );
    expect(leftovers?.rows).toEqual([]);
    const departed = await shards.shard1?.query('SELECT * FROM departed_authors');
    expect(departed?.rows).toEqual([]);
    const moves = await global.pool.query('SELECT * FROM author_moves');
    expect(moves.rows).toEqual([]);
    const members = await global.pool.query('SELECT name, state FROM shard_ring ORDER BY name');
    expect(members.rows).toEqual([
      { name: 'shard1', state: 'active' },
      { name: 'shard2', state: 'active' },
    ]);
  });
});
