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
  const titles = {
    topOfWeek: uniqueName('top-of-week'),
    second: uniqueName('second'),
    third: uniqueName('third'),
    fourth: uniqueName('fourth'),
    beforePeriod: uniqueName('before-period'),
    byStranger: uniqueName('by-stranger'),
  };
  const articles: [authorId: number, title: string, favoritesCount: number, createdAt: Date][] = [
    [followed, titles.second, 5, inWeek(2)],
    [followed, titles.fourth, 1, inWeek(3)],
    [followed, titles.topOfWeek, 9, inWeek(4)],
    [alsoFollowed, titles.third, 3, inWeek(7)],
    [alsoFollowed, titles.beforePeriod, 100, new Date(Date.UTC(1999, 1, 24))],
    [notFollowed, titles.byStranger, 50, inWeek(3)],
  ];
  for (const [authorId, title, favoritesCount, createdAt] of articles) {
    await buildArticle(pool, { authorId, title, favoritesCount, createdAt });
  }
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
