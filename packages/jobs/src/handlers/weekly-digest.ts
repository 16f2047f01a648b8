import { digestPeriod, digestUsersPerBatch, parseDay, weekStart } from '../digest/digest-week.ts';
import { type DigestArticle, renderDigest } from '../digest/render-digest.ts';
import { storeDigests } from '../digest/store-digests.ts';
import type { JobHandler, WeeklyDigestPayload } from '../types.ts';

interface DigestRow {
  user_id: string;
  reader: string;
  // Null on the one row of a reader whose followed authors published nothing in the period.
  title: string | null;
  slug: string;
  description: string;
  body: string;
  author: string;
  favorites_count: number;
  created_at: Date;
}

interface Reader {
  userId: number;
  name: string;
  articles: DigestArticle[];
}

/**
 * One batch of readers (keyset on users.id) with each reader's top articles from the authors they follow. The LEFT
 * JOIN keeps readers without articles, so the batch still says where the next one starts.
 */
const batchSql = `
  WITH readers AS (
    SELECT id, username FROM users WHERE id > $1 ORDER BY id LIMIT $2
  )
  SELECT readers.id AS user_id, readers.username AS reader,
         top.title, top.slug, top.description, top.body, top.author, top.favorites_count, top.created_at
  FROM readers
  LEFT JOIN LATERAL (
    SELECT articles.id, articles.title, articles.slug, articles.description, articles.body,
           authors.username AS author, articles.favorites_count, articles.created_at
    FROM follows
    JOIN articles ON articles.author_id = follows.followee_id
    JOIN users AS authors ON authors.id = articles.author_id
    WHERE follows.follower_id = readers.id AND articles.created_at >= $3 AND articles.created_at < $4
    ORDER BY articles.favorites_count DESC, articles.created_at DESC, articles.id DESC
    LIMIT $5
  ) AS top ON true
  ORDER BY readers.id, top.favorites_count DESC, top.created_at DESC, top.id DESC`;

function groupByReader(rows: DigestRow[]): Reader[] {
  const readers: Reader[] = [];
  for (const row of rows) {
    const userId = Number(row.user_id);
    let reader = readers.at(-1);
    if (reader?.userId !== userId) {
      reader = { userId, name: row.reader, articles: [] };
      readers.push(reader);
    }
    if (row.title === null) continue;
    reader.articles.push({
      title: row.title,
      slug: row.slug,
      description: row.description,
      body: row.body,
      author: row.author,
      favoritesCount: row.favorites_count,
      createdAt: row.created_at,
    });
  }
  return readers;
}

/**
 * Renders every user's digest for a week, batch by batch: SQL picks each reader's most favorited recent articles
 * from the authors they follow, JavaScript turns them into text. Heavy on both sides on purpose: in stage 1 it shares
 * the API's process and CPU, from stage 2 on it runs in the worker process. Users without articles get no digest.
 */
export const weeklyDigest: JobHandler<WeeklyDigestPayload> = async (payload, { pool, job, logger }) => {
  const week = weekStart(parseDay(payload.week));
  const { since, until } = digestPeriod(week, payload.days);
  let afterUserId = 0;
  let users = 0;
  let digests = 0;
  for (;;) {
    const { rows } = await pool.query<DigestRow>(batchSql, [
      afterUserId,
      digestUsersPerBatch,
      since,
      until,
      payload.articlesPerDigest,
    ]);
    const readers = groupByReader(rows);
    const withArticles = readers.filter((reader) => reader.articles.length > 0);
    await storeDigests(
      pool,
      week,
      withArticles.map((reader) => ({
        userId: reader.userId,
        body: renderDigest({ reader: reader.name, week, days: payload.days, articles: reader.articles }),
        articleCount: reader.articles.length,
      })),
    );
    users += readers.length;
    digests += withArticles.length;
    const last = readers.at(-1);
    if (last === undefined || readers.length < digestUsersPerBatch) break;
    afterUserId = last.userId;
  }
  logger.info({ jobId: job.id, week, users, digests }, 'Weekly digests rendered.');
};
