import type { Queryable } from '@scaling/db';
import { firstPageLimit } from './first-page.ts';

/** What a change to an article reaches: the slugs it answers to, its author, its tags, the first pages showing it. */
export interface ArticleFacts {
  slug: string;
  previousSlugs: string[];
  authorId: number;
  author: string;
  tags: string[];
  /**
   * Whether it is on the first page of the whole list and of its author's. Not asked of its tags' lists: with no
   * index on a tag's articles by date, finding a tag's first page walks that tag's articles, too many for a write.
   */
  onFirstPage: { articles: boolean; author: boolean };
}

interface FactsRow extends Omit<ArticleFacts, 'onFirstPage'> {
  on_articles_page: boolean;
  on_author_page: boolean;
}

/**
 * Whether `a` is among the first page of `candidates`, newest first: a walk down a (created_at, id) index that stops
 * after a page, whatever the table's size.
 */
const onFirstPage = (candidates: string) =>
  `a.id IN (SELECT b.id FROM ${candidates} ORDER BY b.created_at DESC, b.id DESC LIMIT $2)`;

/**
 * One statement on the connection about to change the article (inside its transaction when there is one). Whether
 * it is on a cached first page decides if a change to what it shows (its count, its text) must move that list's
 * scope: a favorite on an old article leaves every cached first page valid.
 */
export async function describeArticle(db: Queryable, id: number): Promise<ArticleFacts | null> {
  const { rows } = await db.query<FactsRow>(
    `SELECT a.slug, a.author_id::float8 AS "authorId", u.username AS author,
            coalesce((SELECT array_agg(p.slug) FROM article_previous_slugs p WHERE p.article_id = a.id), '{}')
              AS "previousSlugs",
            coalesce((SELECT array_agg(t.name) FROM article_tags at JOIN tags t ON t.id = at.tag_id
                       WHERE at.article_id = a.id), '{}') AS tags,
            ${onFirstPage('articles b')} AS on_articles_page,
            ${onFirstPage('articles b WHERE b.author_id = a.author_id')} AS on_author_page
       FROM articles a JOIN users u ON u.id = a.author_id
      WHERE a.id = $1`,
    [id, firstPageLimit],
  );
  const row = rows[0];
  if (!row) return null;
  const { on_articles_page, on_author_page, ...facts } = row;
  return { ...facts, onFirstPage: { articles: on_articles_page, author: on_author_page } };
}
