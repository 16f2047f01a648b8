import { createViewerFlagsRepository, type ViewerFlags } from '@scaling/conduit';
import type { Article } from '@scaling/contract';
import type { ReadRouting } from './read-routing.ts';
import type { ArticleEntry, AuthorEntry, ListPageEntry, ProfileEntry } from './shared-entries.ts';

const noFlags: ViewerFlags = { favorited: new Set(), following: new Set() };

/**
 * The viewer's own flags over the shared objects, never stored with them: a small keyed lookup per response, on
 * a replica that has the viewer's last write (their own favorite or follow shows at once).
 */
export function createViewerOverlay(routing: ReadRouting) {
  function flagsOf(
    viewerId: number | null,
    minLsn: string | null,
    asked: { slugs: string[]; usernames: string[] },
  ): Promise<ViewerFlags> {
    if (viewerId === null) return Promise.resolve(noFlags);
    return routing.on(minLsn, (db) => createViewerFlagsRepository(db).find(viewerId, asked));
  }

  return {
    async article(
      entry: ArticleEntry,
      author: AuthorEntry,
      viewerId: number | null,
      minLsn: string | null,
    ): Promise<Article> {
      const flags = await flagsOf(viewerId, minLsn, {
        slugs: [entry.article.slug],
        usernames: [author.username],
      });
      return {
        ...entry.article,
        favorited: flags.favorited.has(entry.article.slug),
        author: { ...author, following: flags.following.has(author.username) },
      };
    },

    async listPage(
      page: ListPageEntry,
      viewerId: number | null,
      minLsn: string | null,
    ): Promise<ListPageEntry> {
      if (viewerId === null || page.articles.length === 0) return page;
      const flags = await flagsOf(viewerId, minLsn, {
        slugs: page.articles.map((article) => article.slug),
        usernames: [...new Set(page.articles.map((article) => article.author.username))],
      });
      return {
        articlesCount: page.articlesCount,
        articles: page.articles.map((article) => ({
          ...article,
          favorited: flags.favorited.has(article.slug),
          author: { ...article.author, following: flags.following.has(article.author.username) },
        })),
      };
    },

    async profile(entry: ProfileEntry, viewerId: number | null, minLsn: string | null) {
      const flags = await flagsOf(viewerId, minLsn, { slugs: [], usernames: [entry.username] });
      return { ...entry, following: flags.following.has(entry.username) };
    },
  };
}

export type ViewerOverlay = ReturnType<typeof createViewerOverlay>;
