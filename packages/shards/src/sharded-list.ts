import { type ArticleFilter, type ArticlePage, type ArticleRepository, toListItem } from '@scaling/conduit';
import type pg from 'pg';
import { withAuthors } from './authors.ts';
import { readAsOwner } from './fence.ts';
import { mergePage } from './merge.ts';
import { listOnShard, type ShardListFilter } from './shard-article-queries.ts';
import type { ShardSet } from './shard-set.ts';

interface ResolvedFilter {
  author: number | null;
  favoritedBy: number | null;
  followees: number[] | null;
}

/**
 * Who the filter's usernames are, and whom the feed's reader follows, in one round trip to the global database;
 * none for a list without them.
 */
async function resolveFilter(global: pg.Pool, filter: ArticleFilter): Promise<ResolvedFilter> {
  if (filter.author === undefined && filter.favoritedBy === undefined && filter.followedBy === undefined) {
    return { author: null, favoritedBy: null, followees: null };
  }
  const { rows } = await global.query<ResolvedFilter>(
    `SELECT (SELECT id::float8 FROM users WHERE username = $1) AS author,
            (SELECT id::float8 FROM users WHERE username = $2) AS "favoritedBy",
            (SELECT array_agg(followee_id::float8) FROM follows WHERE follower_id = $3) AS followees`,
    [filter.author ?? null, filter.favoritedBy ?? null, filter.followedBy ?? null],
  );
  return rows[0] as ResolvedFilter;
}

/** Authors grouped by the shard that holds them: a feed asks only the shards its followees live on. */
function groupByShard(shards: ShardSet, authorIds: readonly number[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const id of authorIds) {
    const shard = shards.router.shardOf(id);
    groups.set(shard, [...(groups.get(shard) ?? []), id]);
  }
  return groups;
}

/**
 * Lists across shards: one shard for an author's articles, the followees' shards for the feed, every shard in the ring
 * for everything else (the global list, the tag and favorited filters). Each asked shard answers its first
 * offset + limit rows; their newest-first pages are merged (merge.ts) and the counts summed.
 */
export function createShardedList(global: pg.Pool, shards: ShardSet): ArticleRepository['list'] {
  async function scatter(
    targets: ReadonlyArray<[string, ShardListFilter]>,
    page: { limit: number; offset: number },
    viewerId: number | null,
  ): Promise<ArticlePage> {
    const parts = await Promise.all(
      targets.map(([shard, filter]) =>
        listOnShard(shards.pool(shard), filter, page.offset + page.limit, viewerId),
      ),
    );
    const rows = mergePage(
      parts.map((part) => part.rows),
      page,
    );
    const articles = (await withAuthors(global, rows, viewerId)).map(toListItem);
    return { articles, articlesCount: parts.reduce((sum, part) => sum + part.count, 0) };
  }

  return async (filter, page, viewerId) => {
    const resolved = await resolveFilter(global, filter);
    const empty = { articles: [], articlesCount: 0 };
    if (filter.author !== undefined && resolved.author === null) return empty;
    if (filter.favoritedBy !== undefined && resolved.favoritedBy === null) return empty;
    const shardFilter: ShardListFilter = {
      tag: filter.tag,
      favoritedByUserId: resolved.favoritedBy ?? undefined,
    };
    if (filter.followedBy !== undefined) {
      const followees = (resolved.followees ?? []).filter(
        (id) => resolved.author === null || id === resolved.author,
      );
      const groups = groupByShard(shards, followees);
      return scatter(
        [...groups].map(([shard, authorIds]) => [shard, { ...shardFilter, authorIds }]),
        page,
        viewerId,
      );
    }
    if (resolved.author !== null) {
      const authorIds = [resolved.author];
      // One author: one shard, or the one they just moved to when this process's routing is behind.
      return readAsOwner(
        shards,
        resolved.author,
        (_db, shard) => scatter([[shard, { ...shardFilter, authorIds }]], page, viewerId),
        (result) => result.articlesCount > 0,
      );
    }
    return scatter(
      shards.router.members().map((shard) => [shard, shardFilter]),
      page,
      viewerId,
    );
  };
}
