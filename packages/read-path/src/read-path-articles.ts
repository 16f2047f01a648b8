import type { CacheAside } from '@scaling/cache';
import { type ArticleFilter, type ArticleRepository, createArticleRepository } from '@scaling/conduit';
import { maxLsn, type Queryable } from '@scaling/db';
import type pg from 'pg';
import type { ReadPathAuthors } from './authors.ts';
import { cacheKeys, listScopes } from './cache-keys.ts';
import type { ChangePublisher } from './change-publisher.ts';
import { createChangeSet } from './change-set.ts';
import { firstPageLimit } from './first-page.ts';
import type { ReadRouting } from './read-routing.ts';
import { createRecordingArticles } from './recording-articles.ts';
import { type ArticleEntry, type ListPageEntry, toArticleEntry } from './shared-entries.ts';
import type { TtlSeconds } from './ttl.ts';
import type { ViewerOverlay } from './viewer-overlay.ts';

/**
 * The scope of a list request whose page the cache shares: a first page of the default size, of the whole list,
 * one tag's or one author's. Undefined for the rest (further pages, the feed, a favorites filter): read as is.
 */
function sharedListScope(filter: ArticleFilter, page: { limit: number; offset: number }): string | undefined {
  if (page.offset !== 0 || page.limit !== firstPageLimit) return undefined;
  if (filter.favoritedBy !== undefined || filter.followedBy !== undefined) return undefined;
  if (filter.tag !== undefined && filter.author !== undefined) return undefined;
  if (filter.tag !== undefined) return listScopes.tag(filter.tag);
  if (filter.author !== undefined) return listScopes.author(filter.author);
  return listScopes.articles;
}

export interface ReadPathArticlesOptions {
  primary: pg.Pool;
  routing: ReadRouting;
  publish: ChangePublisher;
  overlay: ViewerOverlay;
  cache?: CacheAside | undefined;
  /** Given with the cache: the authors single articles are composed from. */
  authors?: ReadPathAuthors | undefined;
  ttl: TtlSeconds;
}

/**
 * Articles for the routes: reads through the cache (when given) and the replicas; writes on the primary, each
 * published once it has committed; the reads that authorize or answer a write on the primary, since the write
 * must see the latest row whatever the replicas have replayed.
 */
export function createReadPathArticles(options: ReadPathArticlesOptions): ArticleRepository {
  const { primary, routing, publish, overlay, authors, cache, ttl } = options;
  const onPrimary = createArticleRepository(primary);

  /** One write outside a transaction (autocommit on the primary), published once it has committed. */
  async function write<T>(run: (articles: ArticleRepository) => Promise<T>): Promise<T> {
    const changes = createChangeSet();
    const result = await run(createRecordingArticles(primary, changes));
    await publish(changes.toChange());
    return result;
  }

  /** The shared entry: a miss fills it from a replica for a reader, from the primary for a write (`fromPrimary`). */
  function readEntry(cached: CacheAside, slug: string, minLsn: string | null, fromPrimary = false) {
    return cached.read<ArticleEntry>(cacheKeys.article(slug), {
      ttlSeconds: ttl.article,
      minLsn,
      load: async (lsn) => {
        const load = (db: Queryable) => createArticleRepository(db).findSharedBySlug(slug);
        const shared = await (fromPrimary ? load(primary) : routing.on(lsn, load));
        return shared ? toArticleEntry(shared) : null;
      },
    });
  }

  async function listPage(
    cached: CacheAside,
    scope: string,
    filter: ArticleFilter,
    page: { limit: number; offset: number },
    viewerId: number | null,
  ): Promise<ListPageEntry> {
    const [versions, floor] = await Promise.all([
      cached.versions([scope, listScopes.profiles]),
      routing.floor(viewerId),
    ]);
    if (versions === undefined) {
      return routing.on(floor, (db) => createArticleRepository(db).list(filter, page, viewerId));
    }
    // A new key has no tombstone: its fill must still read data at least as fresh as the write that made it.
    const minLsn = maxLsn(floor, ...versions);
    const shared = await cached.read<ListPageEntry>(cacheKeys.listPage(scope, versions), {
      ttlSeconds: ttl.list,
      minLsn,
      load: (lsn) => routing.on(lsn, (db) => createArticleRepository(db).list(filter, page, null)),
    });
    return overlay.listPage(shared ?? { articles: [], articlesCount: 0 }, viewerId, floor);
  }

  return {
    async findBySlug(slug, viewerId) {
      const floor = await routing.floor(viewerId);
      if (!cache || !authors) {
        return routing.on(floor, (db) => createArticleRepository(db).findBySlug(slug, viewerId));
      }
      const entry = await readEntry(cache, slug, floor);
      if (!entry) return null;
      const author = await authors.byId(entry.authorId, floor);
      if (!author) return null;
      return overlay.article(entry, author, viewerId, floor);
    },

    findById: onPrimary.findById,

    async findSharedBySlug(slug) {
      return routing.on(null, (db) => createArticleRepository(db).findSharedBySlug(slug));
    },

    async findOwnership(slug) {
      if (!cache) return onPrimary.findOwnership(slug);
      // Who wrote an article never changes: the shared entry answers, and a miss fills it from the primary.
      const entry = await readEntry(cache, slug, null, true);
      return entry ? { id: entry.id, authorId: entry.authorId, slug: entry.article.slug } : null;
    },

    async list(filter, page, viewerId) {
      const scope = sharedListScope(filter, page);
      if (cache && scope !== undefined) return listPage(cache, scope, filter, page, viewerId);
      const floor = await routing.floor(viewerId);
      return routing.on(floor, (db) => createArticleRepository(db).list(filter, page, viewerId));
    },

    async allTagNames() {
      const load = (minLsn: string | null) =>
        routing.on(minLsn, (db) => createArticleRepository(db).allTagNames());
      if (!cache) return load(null);
      return (await cache.read(cacheKeys.tags, { ttlSeconds: ttl.tags, load })) ?? [];
    },

    insert: (article) => write((articles) => articles.insert(article)),
    moveToSlug: (id, baseSlug) => write((articles) => articles.moveToSlug(id, baseSlug)),
    update: (id, fields) => write((articles) => articles.update(id, fields)),
    replaceTags: (id, tags) => write((articles) => articles.replaceTags(id, tags)),
    delete: (id) => write((articles) => articles.delete(id)),
    favorite: (userId, articleId) => write((articles) => articles.favorite(userId, articleId)),
    unfavorite: (userId, articleId) => write((articles) => articles.unfavorite(userId, articleId)),
  };
}
