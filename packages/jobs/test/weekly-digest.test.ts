import { afterAll, describe, expect, it } from 'vitest';
import { weeklyDigest, weeklyDigestPayload } from '../src/index.ts';
import { createTestPool } from './support/database.ts';
import { buildArticle, buildFollow, buildUser, uniqueName } from './support/factories.ts';
import { claimedJob, silentLogger } from './support/worker-kit.ts';

const pool = createTestPool();
afterAll(() => pool.end());

const context = { pool, logger: silentLogger, job: claimedJob({ kind: 'weekly-digest' }) };

// Weeks long before any other test's rows (they are created now), so only this file's articles fall into them.
const week = '1999-03-01';
const inWeek = (day: number) => new Date(Date.UTC(1999, 2, day, 12));

async function digestsOf(userId: number) {
  const { rows } = await pool.query<{ week: string; body: string; article_count: number }>(
    "SELECT to_char(week, 'YYYY-MM-DD') AS week, body, article_count FROM digests WHERE user_id = $1",
    [userId],
  );
  return rows;
}

function positionsIn(body: string, titles: string[]): number[] {
  return titles.map((title) => body.indexOf(title));
}

async function buildReaderOfTwoAuthors() {
  const reader = await buildUser(pool);
  const [followed, alsoFollowed, notFollowed] = [
    await buildUser(pool),
    await buildUser(pool),
    await buildUser(pool),
  ];
  await buildFollow(pool, reader, followed);
  await buildFollow(pool, reader, alsoFollowed);
  const title = (label: string) => uniqueName(label);
  const titles = {
    topOfWeek: title('top-of-week'),
    second: title('second'),
    third: title('third'),
    fourth: title('fourth'),
    beforePeriod: title('before-period'),
    byStranger: title('by-stranger'),
  };
  await buildArticle(pool, {
    authorId: followed,
    title: titles.second,
    favoritesCount: 5,
    createdAt: inWeek(2),
  });
  await buildArticle(pool, {
    authorId: followed,
    title: titles.fourth,
    favoritesCount: 1,
    createdAt: inWeek(3),
  });
  await buildArticle(pool, {
    authorId: followed,
    title: titles.topOfWeek,
    favoritesCount: 9,
    createdAt: inWeek(4),
  });
  await buildArticle(pool, {
    authorId: alsoFollowed,
    title: titles.third,
    favoritesCount: 3,
    createdAt: inWeek(7),
  });
  await buildArticle(pool, {
    authorId: alsoFollowed,
    title: titles.beforePeriod,
    favoritesCount: 100,
    createdAt: new Date(Date.UTC(1999, 1, 24)),
  });
  await buildArticle(pool, {
    authorId: notFollowed,
    title: titles.byStranger,
    favoritesCount: 50,
    createdAt: inWeek(3),
  });
  return { reader, followed, titles };
}

describe('weekly-digest', () => {
  it('When it runs, then each reader gets the top articles of the authors they follow from the period, most favorited first', async () => {
    const { reader, followed, titles } = await buildReaderOfTwoAuthors();

    await weeklyDigest(weeklyDigestPayload({ week, days: 7, articlesPerDigest: 3 }), context);

    const [digest, ...others] = await digestsOf(reader);
    expect(others).toEqual([]);
    expect(digest).toMatchObject({ week, article_count: 3 });
    const body = digest?.body ?? '';
    const [top, second, third] = positionsIn(body, [titles.topOfWeek, titles.second, titles.third]);
    expect(top).toBeGreaterThan(-1);
    expect(second).toBeGreaterThan(top as number);
    expect(third).toBeGreaterThan(second as number);
    for (const left of [titles.fourth, titles.beforePeriod, titles.byStranger])
      expect(body).not.toContain(left);
    // The author follows nobody: no articles, no digest.
    expect(await digestsOf(followed)).toEqual([]);
  });

  it('When it runs again for the same week, then each digest is overwritten with the current counts, never duplicated', async () => {
    const { reader, titles } = await buildReaderOfTwoAuthors();
    const payload = weeklyDigestPayload({ week: '1999-03-03', days: 7, articlesPerDigest: 2 });

    await weeklyDigest(payload, context);
    const first = await digestsOf(reader);
    await weeklyDigest(payload, context);
    expect(await digestsOf(reader)).toEqual(first);

    await pool.query('UPDATE articles SET favorites_count = 20 WHERE title = $1', [titles.third]);
    await weeklyDigest(payload, context);
    const [digest, ...others] = await digestsOf(reader);
    expect(others).toEqual([]);
    const [third, top] = positionsIn(digest?.body ?? '', [titles.third, titles.topOfWeek]);
    expect(third).toBeGreaterThan(-1);
    expect(top).toBeGreaterThan(third as number);
    expect(digest?.body).not.toContain(titles.second);
  });

  it('When the look-back is longer than the week, then older articles of followed authors count too', async () => {
    const { reader, titles } = await buildReaderOfTwoAuthors();

    await weeklyDigest(weeklyDigestPayload({ week, days: 14, articlesPerDigest: 1 }), context);

    const [digest] = await digestsOf(reader);
    expect(digest?.article_count).toBe(1);
    expect(digest?.body).toContain(titles.beforePeriod);
  });

  it('When more readers exist than one batch holds, then every one of them gets a digest', async () => {
    const author = await buildUser(pool);
    const title = uniqueName('batch-article');
    await buildArticle(pool, {
      authorId: author,
      title,
      favoritesCount: 1,
      createdAt: new Date(Date.UTC(1998, 5, 3)),
    });
    const readers: number[] = [];
    for (let index = 0; index < 450; index += 1) readers.push(await buildUser(pool));
    await pool.query(
      'INSERT INTO follows (follower_id, followee_id) SELECT reader, $1 FROM unnest($2::bigint[]) AS reader',
      [author, readers],
    );

    await weeklyDigest(weeklyDigestPayload({ week: '1998-06-01', days: 7, articlesPerDigest: 5 }), context);

    const { rows } = await pool.query<{ user_id: string }>(
      "SELECT user_id FROM digests WHERE week = '1998-06-01' AND body LIKE '%' || $1 || '%'",
      [title],
    );
    expect(rows.map((row) => Number(row.user_id)).toSorted((a, b) => a - b)).toEqual(readers);
  }, 60_000);
});
