import { buildArticle, eventually } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShardRouter } from '../src/index.ts';
import {
  buildShardedApp,
  createShardedDatabases,
  publishArticle,
  registerAuthor,
  type ShardedDatabases,
  tokenHeader,
} from './support/sharded-app.ts';

let databases: ShardedDatabases;
let app: FastifyInstance;

beforeAll(async () => {
  databases = await createShardedDatabases();
  app = await buildShardedApp(databases);
});

afterAll(async () => {
  await app?.close();
  await databases?.drop();
});

const poolOf = (name: string) => (databases.shards[name] as ShardedDatabases['shards'][string]).pool;

/**
 * What resharding leaves once an author's move committed (see @scaling/resharding): their rows copied to `to` with
 * their ids, and the old shard marking them departed. Done here with the shards' own SQL, no router involved.
 */
async function copyRows(authorId: number, from: string, to: string): Promise<void> {
  const { rows } = await poolOf(from).query<{ rows: unknown[] }>(
    'SELECT coalesce(jsonb_agg(to_jsonb(a)), $2::jsonb) AS rows FROM articles a WHERE author_id = $1',
    [authorId, '[]'],
  );
  await poolOf(to).query(
    'INSERT INTO articles OVERRIDING SYSTEM VALUE SELECT * FROM jsonb_populate_recordset(NULL::articles, $1::jsonb)',
    [JSON.stringify(rows[0]?.rows)],
  );
}

async function moveRows(authorId: number, from: string, to: string): Promise<void> {
  await copyRows(authorId, from, to);
  await poolOf(from).query('INSERT INTO departed_authors (author_id, to_shard) VALUES ($1, $2)', [
    authorId,
    to,
  ]);
}

describe('routing by the global ring', () => {
  it('When a shard joins the ring, then reads ask it at the next refresh but the ring places nobody on it until it is active', async () => {
    const router = createShardRouter(databases.global.pool, { virtualNodes: 128 });
    await databases.global.pool.query(`INSERT INTO shard_ring (name, state) VALUES ('shard4', 'joining')`);
    try {
      await router.refresh();

      const placed = new Set(Array.from({ length: 500 }, (_, id) => router.shardOf(id + 1)));
      expect(router.members()).toEqual(['shard1', 'shard2', 'shard3', 'shard4']);
      expect([...placed].sort()).toEqual(['shard1', 'shard2', 'shard3']);
    } finally {
      await databases.global.pool.query(`DELETE FROM shard_ring WHERE name = 'shard4'`);
    }
  });

  it('When the ring names a shard the app has no URL for, then the app logs an error naming it and what to set', async () => {
    const lines: string[] = [];
    const unaware = await buildShardedApp(databases, { logStream: { write: (line) => lines.push(line) } });
    await databases.global.pool.query(`INSERT INTO shard_ring (name, state) VALUES ('shard5', 'joining')`);
    try {
      await eventually(
        async () => expect(lines.join('')).toContain('The shard ring names shard5 but SHARD_URLS has no URL'),
        { timeoutMs: 5_000, intervalMs: 100 },
      );
    } finally {
      await databases.global.pool.query(`DELETE FROM shard_ring WHERE name = 'shard5'`);
      await unaware.close();
    }
  });

  it('When an author’s move is recorded as moved, then the router sends them to the new shard at its next refresh', async () => {
    const router = createShardRouter(databases.global.pool, { virtualNodes: 128 });
    await router.refresh();
    const authorId = 987_654;
    const from = router.shardOf(authorId);
    const to = ['shard1', 'shard2', 'shard3'].find((name) => name !== from) as string;
    await databases.global.pool.query(
      `INSERT INTO author_moves (author_id, from_shard, to_shard, state, moved_at) VALUES ($1, $2, $3, 'moved', now())`,
      [authorId, from, to],
    );

    await router.refresh();

    expect(router.shardOf(authorId)).toBe(to);
  });

  it('When an author’s rows moved and this process’s routing is behind, then their article, their list and the global list still show each article once', async () => {
    const author = await registerAuthor(app, databases.global);
    const from = app.shards.router.shardOf(author.id);
    const to = Object.keys(databases.shards).find((name) => name !== from) as string;
    const article = await publishArticle(app, author);

    await moveRows(author.id, from, to);

    expect(app.shards.router.shardOf(author.id)).toBe(from);
    const single = await app.inject({ method: 'GET', url: `/api/articles/${article.slug}` });
    const byAuthor = await app.inject({ method: 'GET', url: `/api/articles?author=${author.username}` });
    const everyone = await app.inject({ method: 'GET', url: '/api/articles?limit=100' });
    expect(single.json().article.slug).toBe(article.slug);
    expect(byAuthor.json().articles.map((listed: { slug: string }) => listed.slug)).toEqual([article.slug]);
    const listed = everyone
      .json()
      .articles.filter((listed: { slug: string }) => listed.slug === article.slug);
    expect(listed).toHaveLength(1);
  });

  it('When an author’s copies are still arriving on another shard, then the global list and its count show only the originals', async () => {
    const author = await registerAuthor(app, databases.global);
    const from = app.shards.router.shardOf(author.id);
    const to = Object.keys(databases.shards).find((name) => name !== from) as string;
    const article = await publishArticle(app, author);
    const before = await app.inject({ method: 'GET', url: '/api/articles?limit=100' });

    await poolOf(to).query('INSERT INTO arriving_authors (author_id) VALUES ($1)', [author.id]);
    await copyRows(author.id, from, to);

    const after = await app.inject({ method: 'GET', url: '/api/articles?limit=100' });
    const listed = after.json().articles.filter((listed: { slug: string }) => listed.slug === article.slug);
    expect(listed).toHaveLength(1);
    expect(after.json().articlesCount).toBe(before.json().articlesCount);
  });
});

describe('before the ring is read', () => {
  it('When the app could not read the shard ring yet, then writes answer 503 with Retry-After in the RealWorld shape, and succeed once it is read', async () => {
    const own = await createShardedDatabases(['shard1']);
    // The router's first read fails as it would with the global database away at boot; the rest of the app works.
    await own.global.pool.query('ALTER TABLE shard_ring RENAME TO shard_ring_hidden');
    const early = await buildShardedApp(own);
    try {
      const author = await registerAuthor(early, own.global);
      const publish = () =>
        early.inject({
          method: 'POST',
          url: '/api/articles',
          headers: tokenHeader(author.token),
          payload: { article: buildArticle() },
        });

      const refused = await publish();

      expect(refused.statusCode, refused.body).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json()).toEqual({
        errors: { shards: ['are not known yet (the shard ring has not been read); retry in a few seconds'] },
      });
      await own.global.pool.query('ALTER TABLE shard_ring_hidden RENAME TO shard_ring');
      await eventually(async () => expect((await publish()).statusCode).toBe(201), {
        timeoutMs: 5_000,
        intervalMs: 100,
      });
    } finally {
      await early.close();
      await own.drop();
    }
  });
});
