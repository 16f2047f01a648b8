import { weeklyDigestPayload } from '@scaling/jobs';
import {
  type Author,
  authorsOnEveryShard,
  buildShardedApp,
  createShardedDatabases,
  publishArticle,
  registerAuthor,
  type ShardedDatabases,
  tokenHeader,
} from '@scaling/shards/testing';
import { uniqueSuffix } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weeklyDigestOnShards } from '../src/weekly-digest.ts';

// The handler against a global database and three shard databases on the test server, the data written through the
// API on @scaling/shards' repositories (as stage 6 wires them): the job reads only databases, so it needs no boot.
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

// A week long before the articles are published: each one is moved into it, or before it, by hand.
const week = '1999-03-01';
const inWeek = (day: number) => new Date(Date.UTC(1999, 2, day, 12));
const beforeWeek = new Date(Date.UTC(1999, 1, 20, 12));

function runDigest(articlesPerDigest: number) {
  const shards = new Map(Object.entries(databases.shards).map(([name, shard]) => [name, shard.pool]));
  const job = { id: 0, kind: 'weekly-digest', payload: {}, attempts: 1, maxAttempts: 5 };
  const logger = { info() {}, warn() {}, error() {} };
  return weeklyDigestOnShards(shards)(weeklyDigestPayload({ week, days: 7, articlesPerDigest }), {
    pool: databases.global.pool,
    job,
    logger,
  });
}

function shardPool(name: string): pg.Pool {
  const shard = databases.shards[name];
  if (!shard) throw new Error(`The test databases have no shard ${name}.`);
  return shard.pool;
}

async function follow(reader: Author, author: Author): Promise<void> {
  const response = await app.inject({
    method: 'POST',
    url: `/api/profiles/${author.username}/follow`,
    headers: tokenHeader(reader.token),
  });
  expect(response.statusCode, response.body).toBe(200);
}

/** An author and the shard the ring put their articles on. */
interface Placed {
  author: Author;
  shard: string;
}

/** An article by `author`, published through the API, then given its favorites and its date on the author's shard. */
async function publishDated(
  { author, shard }: Placed,
  favoritesCount: number,
  createdAt: Date,
): Promise<string> {
  const { slug, title } = await publishArticle(app, author, { title: `Digest ${uniqueSuffix()}` });
  const { rowCount } = await shardPool(shard).query(
    'UPDATE articles SET favorites_count = $2, created_at = $3 WHERE slug = $1',
    [slug, favoritesCount, createdAt],
  );
  expect(rowCount, `the article ${slug} is on ${shard}`).toBe(1);
  return title;
}

async function digestsOf(user: Author) {
  const { rows } = await databases.global.pool.query<{ week: string; body: string; article_count: number }>(
    "SELECT to_char(week, 'YYYY-MM-DD') AS week, body, article_count FROM digests WHERE user_id = $1",
    [user.id],
  );
  return rows;
}

/** Where each title stands in a digest's text (-1 when absent). */
const positionsIn = (body: string, titles: string[]) => titles.map((title) => body.indexOf(title));

/** A reader who follows an author on one shard and an author on another, whose top articles alternate. */
async function readerOfTwoShards() {
  const placed = [...(await authorsOnEveryShard(app, databases))].map(([shard, [author]]): Placed => {
    if (!author) throw new Error(`authorsOnEveryShard left ${shard} without an author.`);
    return { author, shard };
  });
  const [first, second, stranger] = placed as [Placed, Placed, Placed];
  const reader = await registerAuthor(app, databases.global);
  await follow(reader, first.author);
  await follow(reader, second.author);
  const titles = {
    top: await publishDated(first, 9, inWeek(2)),
    second: await publishDated(second, 7, inWeek(3)),
    // Same favorites as `second`, newer: ranks before it.
    newerTie: await publishDated(first, 7, inWeek(5)),
    fourth: await publishDated(second, 4, inWeek(6)),
    fifth: await publishDated(first, 1, inWeek(4)),
    beforePeriod: await publishDated(second, 100, beforeWeek),
    byStranger: await publishDated(stranger, 50, inWeek(3)),
  };
  return { reader, first, second, stranger, titles };
}

describe('weekly digest on the shards', () => {
  it('When a reader follows authors on two shards, then one digest lists the top articles of both shards of the period, most favorited first, up to articlesPerDigest', async () => {
    const { reader, titles } = await readerOfTwoShards();

    await runDigest(4);

    const [digest, ...others] = await digestsOf(reader);
    expect(others).toEqual([]);
    expect(digest).toMatchObject({ week, article_count: 4 });
    const body = digest?.body ?? '';
    const positions = positionsIn(body, [titles.top, titles.newerTie, titles.second, titles.fourth]);
    expect(positions[0]).toBeGreaterThan(-1);
    expect(positions).toEqual(positions.toSorted((a, b) => a - b));
    for (const absent of [titles.fifth, titles.beforePeriod, titles.byStranger])
      expect(body).not.toContain(absent);
  });

  it('When the followed authors published nothing in the period, or the user follows nobody, then the user gets no digest', async () => {
    const { second, stranger, titles } = await readerOfTwoShards();
    const readerOfNothing = await registerAuthor(app, databases.global);
    await follow(readerOfNothing, stranger.author);
    // The stranger's one article moves out of the period: nothing of theirs is left in it.
    await shardPool(stranger.shard).query('UPDATE articles SET created_at = $2 WHERE title = $1', [
      titles.byStranger,
      beforeWeek,
    ]);

    await runDigest(3);

    expect(await digestsOf(readerOfNothing)).toEqual([]);
    expect(await digestsOf(second.author)).toEqual([]);
  });

  it('When it runs again for the same week, then the digest is overwritten with the counts of that moment, never duplicated', async () => {
    const { reader, second, titles } = await readerOfTwoShards();
    await runDigest(2);
    const first = await digestsOf(reader);
    expect(first).toHaveLength(1);
    expect(first[0]?.body).not.toContain(titles.fourth);

    await shardPool(second.shard).query('UPDATE articles SET favorites_count = 20 WHERE title = $1', [
      titles.fourth,
    ]);
    await runDigest(2);

    const [digest, ...others] = await digestsOf(reader);
    expect(others).toEqual([]);
    expect(digest?.article_count).toBe(2);
    const [fourth, top] = positionsIn(digest?.body ?? '', [titles.fourth, titles.top]);
    expect(fourth).toBeGreaterThan(-1);
    expect(top).toBeGreaterThan(fourth as number);
    expect(digest?.body).not.toContain(titles.newerTie);
  });

  it('When a followed author is being moved to another shard, then the digest lists each of their articles once, from whichever copy readers see', async () => {
    const { reader, first, stranger, titles } = await readerOfTwoShards();
    const [from, to, authorId] = [shardPool(first.shard), shardPool(stranger.shard), first.author.id];
    // The move's copy step: the author's articles written to the stranger's shard under their ids, fenced as arriving.
    const { rows } = await from.query(
      'SELECT json_agg(articles) AS copies FROM articles WHERE author_id = $1',
      [authorId],
    );
    await to.query(
      `INSERT INTO articles OVERRIDING SYSTEM VALUE
       SELECT * FROM json_populate_recordset(null::articles, $1::json)`,
      [JSON.stringify(rows[0]?.copies)],
    );
    await to.query('INSERT INTO arriving_authors (author_id) VALUES ($1)', [authorId]);
    const occurrences = async (title: string) => {
      const [digest] = await digestsOf(reader);
      return (digest?.body ?? '').split(title).length - 1;
    };

    await runDigest(5);
    expect(await occurrences(titles.top)).toBe(1);

    // The move commits: the rows are the new shard's, the old copies stay behind the departed fence until deleted.
    await to.query('DELETE FROM arriving_authors WHERE author_id = $1', [authorId]);
    await from.query('INSERT INTO departed_authors (author_id, to_shard) VALUES ($1, $2)', [
      authorId,
      stranger.shard,
    ]);
    await runDigest(5);
    expect(await occurrences(titles.top)).toBe(1);
    expect(await occurrences(titles.newerTie)).toBe(1);
    expect((await digestsOf(reader))[0]?.article_count).toBe(5);
  });
});
