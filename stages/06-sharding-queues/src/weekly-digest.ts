import {
  type DigestArticle,
  digestPeriod,
  digestUsersPerBatch,
  type JobHandler,
  parseDay,
  renderDigest,
  storeDigests,
  type WeeklyDigestPayload,
  weekStart,
} from '@scaling/jobs';
import type pg from 'pg';
import { queryRing } from './ring-query.ts';

interface TopArticleRow {
  id: string;
  author_id: string;
  title: string;
  slug: string;
  description: string;
  body: string;
  favorites_count: number;
  created_at: Date;
}

type RankedArticle = DigestArticle & { id: number; authorId: number };

/**
 * Each given author's top articles of the period, on one shard. A reader's top N is among the top N of each author
 * they follow, so N per author is enough, and a batch's rows stay at most (followed authors x N) per shard. The rows
 * of an author being moved are on two shards for a moment: each shard skips its departed and arriving authors.
 */
const topArticlesSql = `
  SELECT top.id, author.id AS author_id, top.title, top.slug, top.description, top.body,
         top.favorites_count, top.created_at
  FROM unnest($1::bigint[]) AS author(id)
  CROSS JOIN LATERAL (
    SELECT articles.id, articles.title, articles.slug, articles.description, articles.body,
           articles.favorites_count, articles.created_at
    FROM articles
    WHERE articles.author_id = author.id AND articles.created_at >= $2 AND articles.created_at < $3
    ORDER BY articles.favorites_count DESC, articles.created_at DESC, articles.id DESC
    LIMIT $4
  ) AS top
  WHERE author.id NOT IN (SELECT author_id FROM departed_authors)
    AND author.id NOT IN (SELECT author_id FROM arriving_authors)`;

// Stage 2's order: most favorited, then newest, then the higher id (ids are unique across shards).
const byRank = (a: RankedArticle, b: RankedArticle) =>
  b.favoritesCount - a.favoritesCount || b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id;

/** The shards' rows as digest articles, each with its author's name from the global users. */
async function withBylines(global: pg.Pool, rows: TopArticleRow[]): Promise<RankedArticle[]> {
  const { rows: authors } = await global.query<{ id: number; username: string }>(
    'SELECT id::float8 AS id, username FROM users WHERE id = ANY($1::bigint[])',
    [[...new Set(rows.map((row) => Number(row.author_id)))]],
  );
  const nameOf = new Map(authors.map((author) => [author.id, author.username]));
  return rows.flatMap((row) => {
    const author = nameOf.get(Number(row.author_id));
    // The shards keep no foreign key to the global users: an article whose author is gone has no byline, so no place.
    if (author === undefined) return [];
    const { id, author_id, favorites_count, created_at, ...text } = row;
    return [
      {
        ...text,
        id: Number(id),
        authorId: Number(author_id),
        author,
        favoritesCount: favorites_count,
        createdAt: created_at,
      },
    ];
  });
}

/**
 * Stage 2's weekly digest on sharded data: the readers, their follows and the authors' names come from the global
 * database, the articles from every shard of the ring (in parallel, one statement per shard per batch of readers),
 * and each reader's top articles are merged here. Same payload, same rows in `digests`, same text.
 */
export function weeklyDigestOnShards(shards: ReadonlyMap<string, pg.Pool>): JobHandler<WeeklyDigestPayload> {
  return async (payload, { pool, job, logger }) => {
    const week = weekStart(parseDay(payload.week));
    const { since, until } = digestPeriod(week, payload.days);
    let afterUserId = 0;
    let users = 0;
    let digests = 0;
    for (;;) {
      const { rows: readers } = await pool.query<{ id: number; username: string }>(
        'SELECT id::float8 AS id, username FROM users WHERE id > $1 ORDER BY id LIMIT $2',
        [afterUserId, digestUsersPerBatch],
      );
      const { rows: follows } = await pool.query<{ follower: number; followee: number }>(
        `SELECT follower_id::float8 AS follower, followee_id::float8 AS followee
           FROM follows WHERE follower_id = ANY($1::bigint[])`,
        [readers.map((reader) => reader.id)],
      );
      const authorIds = [...new Set(follows.map((follow) => follow.followee))];
      // The ring is read per batch: a shard added while the job runs is asked from the next batch on.
      const rows =
        authorIds.length === 0
          ? []
          : await queryRing<TopArticleRow>(pool, shards, topArticlesSql, [
              authorIds,
              since,
              until,
              payload.articlesPerDigest,
            ]);
      const byAuthor = Map.groupBy(await withBylines(pool, rows), (article) => article.authorId);
      const followeesOf = Map.groupBy(follows, (follow) => follow.follower);
      const rendered = readers.flatMap((reader) => {
        const articles = (followeesOf.get(reader.id) ?? [])
          .flatMap((follow) => byAuthor.get(follow.followee) ?? [])
          .toSorted(byRank)
          .slice(0, payload.articlesPerDigest);
        if (articles.length === 0) return [];
        const body = renderDigest({ reader: reader.username, week, days: payload.days, articles });
        return [{ userId: reader.id, body, articleCount: articles.length }];
      });
      await storeDigests(pool, week, rendered);
      users += readers.length;
      digests += rendered.length;
      const last = readers.at(-1);
      if (last === undefined || readers.length < digestUsersPerBatch) break;
      afterUserId = last.id;
    }
    logger.info({ jobId: job.id, week, users, digests }, 'Weekly digests rendered from the shards.');
  };
}
