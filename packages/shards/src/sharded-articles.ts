import {
  type ArticleRepository,
  createArticleRepository,
  type Repositories,
  toArticle,
} from '@scaling/conduit';
import { appendEvent, articleKey } from '@scaling/events';
import type pg from 'pg';
import type { ArticleDirectory } from './article-directory.ts';
import { appendFavoriteEvent } from './article-events.ts';
import { withAuthors } from './authors.ts';
import { readAsOwner, writeAsOwner } from './fence.ts';
import { findArticleOnShard } from './shard-article-queries.ts';
import type { ShardSet } from './shard-set.ts';
import { createShardedList } from './sharded-list.ts';

export interface ShardedContext {
  global: pg.Pool;
  shards: ShardSet;
  directory: ArticleDirectory;
  /** `Repositories.transaction` of the same store: what a single write outside a route's transaction runs in. */
  transaction: Repositories['transaction'];
}

/**
 * Articles across shards. An article is found through the directory (slug) or the author of its id, then read on
 * that author's shard; lists are scatter-gather (sharded-list.ts). Authors come from the global database.
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

  // Conduit's statements that touch only an article's own rows run unchanged on its shard.
  const onShard = createArticleRepository;

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

    list: createShardedList(global, shards),

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
        const changed = await onShard(client).favorite(userId, articleId);
        if (changed) await appendFavoriteEvent(client, 'article.favorited', articleId, userId);
        return changed;
      }),

    unfavorite: (userId, articleId) =>
      onArticleShard(articleId, false, async (client) => {
        const changed = await onShard(client).unfavorite(userId, articleId);
        if (changed) await appendFavoriteEvent(client, 'article.unfavorited', articleId, userId);
        return changed;
      }),

    async allTagNames() {
      const perShard = await Promise.all(
        shards.router.members().map((shard) => onShard(shards.pool(shard)).allTagNames()),
      );
      return [...new Set(perShard.flat())].sort();
    },
  };
}
