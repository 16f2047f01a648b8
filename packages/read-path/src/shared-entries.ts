import type { ArticlePage, ProfileRecord, SharedArticle } from '@scaling/conduit';
import type { Article, Profile } from '@scaling/contract';

/**
 * A single article as the cache shares it between viewers: no `favorited`, and the author by id only. The author
 * is composed at read time from its own entry, so a profile change never has to find every article it shows in.
 */
export interface ArticleEntry {
  id: number;
  authorId: number;
  article: Omit<Article, 'author' | 'favorited'>;
}

/** A profile as shared: everything but the viewer's `following`. */
export type ProfileEntry = Omit<ProfileRecord, 'following'>;

/** The author an article shows, as shared. */
export type AuthorEntry = Omit<Profile, 'following'>;

/**
 * A list page as shared: as an anonymous viewer sees it (`favorited` and `following` false), authors embedded. A
 * page of twenty composed from twenty author entries would cost twenty lookups; its key carries the `profiles`
 * version instead, so any profile change makes new page keys.
 */
export type ListPageEntry = ArticlePage;

export function toArticleEntry({ id, authorId, article }: SharedArticle): ArticleEntry {
  const { author: _author, favorited: _favorited, ...shown } = article;
  return { id, authorId, article: shown };
}

export function toProfileEntry({ following: _following, ...profile }: ProfileRecord): ProfileEntry {
  return profile;
}
