import type { Queryable } from '@scaling/db';
import { firstPageLimit } from './first-page.ts';

/** What a change to an article reaches: the slugs it answers to, its author, its tags, the first pages showing it. */
export interface ArticleFacts {
  slug: string;
  previousSlugs: string[];
  authorId: number;
  author: string;
  tags: string[];
  /** The cached list pages it is on: the whole list's, its author's, and those of its tags (`tags`). */
  onFirstPage: { articles: boolean; author: boolean; tags: string[] };
}

interface FactsRow extends Omit<ArticleFacts, 'onFirstPage'> {
  on_articles_page: boolean;
  on_author_page: boolean;
  on_tag_pages: string[];
}

/**
 * Fewer than a page of articles newer than `a` among `candidates`: then `a` is on the first page. Each count stops
 * at a page (LIMIT), walking the (created_at, id) indexes newest first, so an old article costs a page, not a table.
 */
const onFirstPage = (candidates: string) =>
  `(SELECT count(*) FROM (SELECT 1 FROM ${candidates} AND (b.created_at, b.id) > (a.created_at, a.id) LIMIT $2) newer) < $2`;

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
            ${onFirstPage('articles b WHERE true')} AS on_articles_page,
            ${onFirstPage('articles b WHERE b.author_id = a.author_id')} AS on_author_page,
            coalesce((SELECT array_agg(t.name) FROM article_tags at JOIN tags t ON t.id = at.tag_id
                       WHERE at.article_id = a.id
                         AND ${onFirstPage('article_tags bt JOIN articles b ON b.id = bt.article_id WHERE bt.tag_id = at.tag_id')}),
                     '{}') AS on_tag_pages
       FROM articles a JOIN users u ON u.id = a.author_id
      WHERE a.id = $1`,
    [id, firstPageLimit],
  );
  const row = rows[0];
  if (!row) return null;
  const { on_articles_page, on_author_page, on_tag_pages, ...facts } = row;
  return {
    ...facts,
    onFirstPage: { articles: on_articles_page, author: on_author_page, tags: on_tag_pages },
  };
}
