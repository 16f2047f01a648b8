import type { Queryable } from '@scaling/db';

/** What a change to an article reaches: the slugs it answers to, its author, its tags. */
export interface ArticleFacts {
  slug: string;
  previousSlugs: string[];
  authorId: number;
  author: string;
  tags: string[];
}

/** One statement on the connection that is about to change the article (inside its transaction when there is one). */
export async function describeArticle(db: Queryable, id: number): Promise<ArticleFacts | null> {
  const { rows } = await db.query<ArticleFacts>(
    `SELECT a.slug, a.author_id::float8 AS "authorId", u.username AS author,
            coalesce((SELECT array_agg(p.slug) FROM article_previous_slugs p WHERE p.article_id = a.id), '{}')
              AS "previousSlugs",
            coalesce((SELECT array_agg(t.name) FROM article_tags at JOIN tags t ON t.id = at.tag_id
                       WHERE at.article_id = a.id), '{}') AS tags
       FROM articles a JOIN users u ON u.id = a.author_id
      WHERE a.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}
