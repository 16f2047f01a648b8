import {
  type ArticleFilter,
  type ArticlePage,
  type ArticleRepository,
  createArticleRepository,
  type Repositories,
  toArticle,
  toListItem,
} from '@scaling/conduit';
import { appendEvent, articleKey } from '@scaling/events';
import type pg from 'pg';
import type { ArticleDirectory } from './article-directory.ts';
import { articleFacts } from './article-events.ts';
import { withAuthors } from './authors.ts';
import { readAsOwner, writeAsOwner } from './fence.ts';
import { mergePage } from './merge.ts';
import { findArticleOnShard, listOnShard, type ShardListFilter } from './shard-article-queries.ts';
import type { ShardSet } from './shard-set.ts';

export interface ShardedContext {
  global: pg.Pool;
  shards: ShardSet;
  directory: ArticleDirectory;
  /** `Repositories.transaction` of the same store: what a single write outside a route's transaction runs in. */
  transaction: Repositories['transaction'];
}

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
 * Articles across shards. An article is found through the directory (slug) or the author of its id, then read on
 * that author's shard; lists ask one shard (an author's), the followees' shards (the feed) or every shard in the ring
 * (everything else), and merge their newest-first pages. Authors come from the global database, one query per page.
 */
export function createShardedArticles(context: ShardedContext): ArticleRepository {
  const { global, shards, directory, transaction } = context;

  async function findById(id: number, authorId: number, viewerId: number | null) {
    const row = await readAsOwner(
      shards,
      authorId,
      (db) => findArticleOnShard(db, id, viewerId),
      (found) => found !== null,
    );
    if (!row) return null;
    const [composed] = await withAuthors(global, [row], viewerId);
    return composed ?? null;
  }

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

  /** Runs fn for the article's author; a missing article is a no-op, like a DELETE that finds no row. */
  async function asAuthorOf<T>(
    articleId: number,
    fallback: T,
    fn: (authorId: number) => Promise<T>,
  ): Promise<T> {
    const authorId = await directory.authorOf(articleId);
    return authorId === null ? fallback : fn(authorId);
  }

  /** One fenced transaction on the article's author's shard. */
  const onArticleShard = <T>(
    articleId: number,
    fallback: T,
    write: (client: pg.PoolClient, authorId: number) => Promise<T>,
  ): Promise<T> =>
    asAuthorOf(articleId, fallback, (authorId) =>
      writeAsOwner(shards, authorId, (client) => write(client, authorId)),
    );

  async function favoriteEvent(client: pg.PoolClient, articleId: number, userId: number, favorited: boolean) {
    const facts = await articleFacts(client, articleId);
    if (!facts) return;
    const { tagList: _tags, ...article } = facts;
    await appendEvent(client, {
      type: favorited ? 'article.favorited' : 'article.unfavorited',
      key: articleKey(articleId),
      data: { ...article, userId },
    });
  }

  const writes = createArticleRepository;

  return {
    async findBySlug(slug, viewerId) {
      const entry = await directory.locate(slug);
      const row = entry ? await findById(entry.id, entry.authorId, viewerId) : null;
      return row ? toArticle(row) : null;
    },

    async findById(id, viewerId) {
      const authorId = await directory.authorOf(id);
      const row = authorId === null ? null : await findById(id, authorId, viewerId);
      return row ? toArticle(row) : null;
    },

    async findSharedBySlug(slug) {
      const entry = await directory.locate(slug);
      const row = entry ? await findById(entry.id, entry.authorId, null) : null;
      return row ? { article: toArticle(row), id: row.id, authorId: row.author_id } : null;
    },

    findOwnership: (slug) => directory.locate(slug),

    async list(filter, page, viewerId) {
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
    },

    // Outside a route's transaction, each write is a transaction of its own on the author's shard, with its event.
    insert: (article) => transaction(article.authorId, ({ articles }) => articles.insert(article)),
    moveToSlug: (id, baseSlug) =>
      asAuthorOf(id, baseSlug, (authorId) =>
        transaction(authorId, ({ articles }) => articles.moveToSlug(id, baseSlug)),
      ),
    update: (id, fields) =>
      asAuthorOf(id, undefined, (authorId) =>
        transaction(authorId, ({ articles }) => articles.update(id, fields)),
      ),
    replaceTags: (id, tags) =>
      asAuthorOf(id, [], (authorId) =>
        transaction(authorId, ({ articles }) => articles.replaceTags(id, tags)),
      ),

    async delete(id) {
      const deleted = await onArticleShard(id, false, async (client, authorId) => {
        const { rowCount } = await client.query('DELETE FROM articles WHERE id = $1', [id]);
        if (rowCount === 0) return false;
        await appendEvent(client, {
          type: 'article.deleted',
          key: articleKey(id),
          data: { articleId: id, authorId },
        });
        return true;
      });
      if (deleted) await directory.forget(id);
    },

    favorite: (userId, articleId) =>
      onArticleShard(articleId, false, async (client) => {
        const changed = await writes(client).favorite(userId, articleId);
        if (changed) await favoriteEvent(client, articleId, userId, true);
        return changed;
      }),

    unfavorite: (userId, articleId) =>
      onArticleShard(articleId, false, async (client) => {
        const changed = await writes(client).unfavorite(userId, articleId);
        if (changed) await favoriteEvent(client, articleId, userId, false);
        return changed;
      }),

    async allTagNames() {
      const perShard = await Promise.all(
        shards.router.members().map((shard) => writes(shards.pool(shard)).allTagNames()),
      );
      return [...new Set(perShard.flat())].sort();
    },
  };
}
