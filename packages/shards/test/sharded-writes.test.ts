import { createMetricsRegistry } from '@scaling/metrics';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idRangeOf } from '../src/index.ts';
import {
  authorsOnEveryShard,
  buildShardedApp,
  createShardedDatabases,
  publishArticle,
  registerAuthor,
  type ShardedDatabases,
  tokenHeader,
} from './support/sharded-app.ts';

let databases: ShardedDatabases;
let app: FastifyInstance;
const metrics = createMetricsRegistry();

beforeAll(async () => {
  databases = await createShardedDatabases();
  app = await buildShardedApp(databases, { metrics });
});

async function counted(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metrics.getSingleMetric(name)?.get())?.values ?? [];
  const sample = metric.find((value) =>
    Object.entries(labels).every(([key, label]) => value.labels[key] === label),
  );
  return sample?.value ?? 0;
}

afterAll(async () => {
  await app?.close();
  await databases?.drop();
});

const shardPool = (name: string) =>
  databases.shards[name]?.pool as NonNullable<ShardedDatabases['shards'][string]>['pool'];

describe('writes on the author’s shard', () => {
  it('When an author publishes, then the article lands on the shard the ring names, with an id from that shard’s range and its event in that shard’s outbox', async () => {
    const author = await registerAuthor(app, databases.global);
    const shard = app.shards.router.shardOf(author.id);

    const article = await publishArticle(app, author, { tagList: ['sharding'] });

    const { rows } = await shardPool(shard).query<{ id: number }>(
      'SELECT id::float8 AS id FROM articles WHERE slug = $1',
      [article.slug],
    );
    const id = rows[0]?.id as number;
    const range = idRangeOf(shard);
    expect(id).toBeGreaterThanOrEqual(range.first);
    expect(id).toBeLessThanOrEqual(range.last);
    const others = Object.keys(databases.shards).filter((name) => name !== shard);
    for (const other of others) {
      const elsewhere = await shardPool(other).query('SELECT 1 FROM articles WHERE slug = $1', [
        article.slug,
      ]);
      expect(elsewhere.rowCount).toBe(0);
    }
    const events = await shardPool(shard).query<{
      type: string;
      key: string;
      payload: Record<string, unknown>;
    }>(`SELECT type, key, payload FROM outbox WHERE key = $1`, [`article:${id}`]);
    expect(events.rows).toEqual([
      {
        type: 'article.published',
        key: `article:${id}`,
        payload: {
          articleId: id,
          slug: article.slug,
          title: article.title,
          authorId: author.id,
          tagList: ['sharding'],
        },
      },
    ]);
  });

  it('When two authors on different shards publish the same title, then each gets its own slug and each slug leads to its own article', async () => {
    const byShard = await authorsOnEveryShard(app, databases);
    const [first, second] = [...byShard.values()].map((authors) => authors[0]);
    const title = `Same title ${Date.now()}`;

    const one = await publishArticle(app, first as NonNullable<typeof first>, { title });
    const two = await publishArticle(app, second as NonNullable<typeof second>, { title });

    expect(one.slug).not.toBe(two.slug);
    for (const [slug, author] of [
      [one.slug, first],
      [two.slug, second],
    ] as const) {
      const response = await app.inject({ method: 'GET', url: `/api/articles/${slug}` });
      expect(response.json().article.author.username).toBe(author?.username);
    }
  });

  it('When an article is renamed, then its new and its old slug both lead to it, and an article.updated event is written', async () => {
    const author = await registerAuthor(app, databases.global);
    const article = await publishArticle(app, author);

    const renamed = await app.inject({
      method: 'PUT',
      url: `/api/articles/${article.slug}`,
      headers: tokenHeader(author.token),
      payload: { article: { title: `Renamed ${Date.now()}` } },
    });

    expect(renamed.statusCode, renamed.body).toBe(200);
    const newSlug = renamed.json().article.slug;
    expect(newSlug).not.toBe(article.slug);
    for (const slug of [newSlug, article.slug]) {
      const response = await app.inject({ method: 'GET', url: `/api/articles/${slug}` });
      expect(response.json().article.slug).toBe(newSlug);
    }
    const shard = app.shards.router.shardOf(author.id);
    const { rows } = await shardPool(shard).query<{ type: string }>(
      `SELECT type FROM outbox WHERE payload->>'authorId' = $1 ORDER BY position`,
      [String(author.id)],
    );
    expect(rows.map((row) => row.type)).toEqual(['article.published', 'article.updated']);
  });

  it('When a reader comments, favorites and follows, then each write’s event is in the outbox of the database it changed', async () => {
    const author = await registerAuthor(app, databases.global);
    const reader = await registerAuthor(app, databases.global);
    const article = await publishArticle(app, author);
    const asReader = tokenHeader(reader.token);

    const comment = await app.inject({
      method: 'POST',
      url: `/api/articles/${article.slug}/comments`,
      headers: asReader,
      payload: { comment: { body: 'A comment on another shard’s article' } },
    });
    await app.inject({ method: 'POST', url: `/api/articles/${article.slug}/favorite`, headers: asReader });
    await app.inject({ method: 'POST', url: `/api/articles/${article.slug}/favorite`, headers: asReader });
    await app.inject({ method: 'POST', url: `/api/profiles/${author.username}/follow`, headers: asReader });
    await app.inject({
      method: 'DELETE',
      url: `/api/articles/${article.slug}/comments/${comment.json().comment.id}`,
      headers: asReader,
    });

    const shard = app.shards.router.shardOf(author.id);
    const onShard = await shardPool(shard).query<{ type: string }>(
      `SELECT type FROM outbox WHERE payload->>'slug' = $1 OR payload->>'commentId' = $2 ORDER BY position`,
      [article.slug, String(comment.json().comment.id)],
    );
    expect(onShard.rows.map((row) => row.type)).toEqual([
      'article.published',
      'comment.added',
      'article.favorited',
      'comment.deleted',
    ]);
    const onGlobal = await databases.global.pool.query<{ type: string; payload: object }>(
      `SELECT type, payload FROM outbox WHERE key = $1 ORDER BY position`,
      [`user:${reader.id}`],
    );
    expect(onGlobal.rows).toEqual([
      { type: 'user.registered', payload: { userId: reader.id, username: reader.username } },
      { type: 'user.followed', payload: { followerId: reader.id, followeeId: author.id } },
    ]);
  });
});

describe('slugs across shards', () => {
  it('When authors on every shard publish the same title at once, then every article gets a slug of its own', async () => {
    const authors = [...(await authorsOnEveryShard(app, databases, 2)).values()].flat();
    const title = `Race ${Date.now()}`;

    const articles = await Promise.all(authors.map((author) => publishArticle(app, author, { title })));

    expect(new Set(articles.map((article) => article.slug)).size).toBe(authors.length);
  });

  it('When an article is deleted, then its slugs are free again and an article.deleted event is written', async () => {
    const author = await registerAuthor(app, databases.global);
    const title = `Deleted ${Date.now()}`;
    const article = await publishArticle(app, author, { title });
    const shard = app.shards.router.shardOf(author.id);
    const { rows } = await shardPool(shard).query<{ id: number }>(
      'SELECT id::float8 AS id FROM articles WHERE slug = $1',
      [article.slug],
    );

    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/articles/${article.slug}`,
      headers: tokenHeader(author.token),
    });
    const again = await publishArticle(app, await registerAuthor(app, databases.global), { title });

    expect(deleted.statusCode).toBe(204);
    expect(again.slug).toBe(article.slug);
    const events = await shardPool(shard).query('SELECT payload FROM outbox WHERE type = $1 AND key = $2', [
      'article.deleted',
      `article:${rows[0]?.id}`,
    ]);
    expect(events.rows).toEqual([{ payload: { articleId: rows[0]?.id, authorId: author.id } }]);
  });

  it('When the shard transaction fails after the slug was claimed, then the claim is given back and nothing is written', async () => {
    const failing = await buildShardedApp(databases, {
      hooks: {
        articlePublished: async () => {
          throw new Error('The hook fails, as a statement on a dying connection would.');
        },
      },
    });
    try {
      const author = await registerAuthor(failing, databases.global);
      const title = `Rolled back ${Date.now()}`;

      const response = await failing.inject({
        method: 'POST',
        url: '/api/articles',
        headers: tokenHeader(author.token),
        payload: { article: { title, description: 'd', body: 'b' } },
      });

      expect(response.statusCode).toBe(500);
      const claims = await databases.global.pool.query(
        'SELECT 1 FROM article_directory WHERE author_id = $1',
        [author.id],
      );
      const rows = await shardPool(failing.shards.router.shardOf(author.id)).query(
        'SELECT 1 FROM articles WHERE author_id = $1',
        [author.id],
      );
      expect({ claims: claims.rowCount, rows: rows.rowCount }).toEqual({ claims: 0, rows: 0 });
    } finally {
      await failing.close();
    }
  });
});

describe('the resharding fence', () => {
  it('When an author has departed the shard the ring names, then a write is retried on the shard they moved to, and counted', async () => {
    const author = await registerAuthor(app, databases.global);
    const from = app.shards.router.shardOf(author.id);
    const to = Object.keys(databases.shards).find((name) => name !== from) as string;
    const [retriesBefore, writesBefore] = [
      await counted('shard_author_moved_retries_total', { from, to }),
      await counted('shard_write_transactions_total', { shard: to }),
    ];
    await shardPool(from).query('INSERT INTO departed_authors (author_id, to_shard) VALUES ($1, $2)', [
      author.id,
      to,
    ]);

    const article = await publishArticle(app, author);

    const landed = await shardPool(to).query('SELECT 1 FROM articles WHERE slug = $1', [article.slug]);
    const left = await shardPool(from).query('SELECT 1 FROM articles WHERE slug = $1', [article.slug]);
    expect({ to: landed.rowCount, from: left.rowCount }).toEqual({ to: 1, from: 0 });
    expect(await counted('shard_author_moved_retries_total', { from, to })).toBe(retriesBefore + 1);
    expect(await counted('shard_write_transactions_total', { shard: to })).toBe(writesBefore + 1);
    const read = await app.inject({ method: 'GET', url: `/api/articles/${article.slug}` });
    expect(read.statusCode).toBe(200);
  });

  it('When a move holds the author’s lock, then their write waits for it and lands on the shard the move committed to', async () => {
    const author = await registerAuthor(app, databases.global);
    const from = app.shards.router.shardOf(author.id);
    const to = Object.keys(databases.shards).find((name) => name !== from) as string;
    const mover = await shardPool(from).connect();
    try {
      await mover.query('BEGIN');
      await mover.query('SELECT pg_advisory_xact_lock(6006, $1::int)', [author.id]);

      let settled = false;
      const write = publishArticle(app, author).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      await mover.query('INSERT INTO departed_authors (author_id, to_shard) VALUES ($1, $2)', [
        author.id,
        to,
      ]);
      await mover.query('COMMIT');
      const article = await write;

      const landed = await shardPool(to).query('SELECT 1 FROM articles WHERE slug = $1', [article.slug]);
      expect(landed.rowCount).toBe(1);
    } finally {
      mover.release();
    }
  });
});
