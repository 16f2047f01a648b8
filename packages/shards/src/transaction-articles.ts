import { createArticleRepository, type TransactionArticles } from '@scaling/conduit';
import type pg from 'pg';
import type { ArticleDirectory } from './article-directory.ts';
import { appendArticleEvent } from './article-events.ts';

/**
 * The article writes of one shard transaction for one author: slugs are claimed in the global directory (unique
 * across shards) before the shard commits, and what the transaction published or changed becomes one event each,
 * appended just before it commits (`finish`). Slugs claimed by a transaction that fails are given back (`abandon`).
 */
export function createTransactionArticles(
  client: pg.PoolClient,
  directory: ArticleDirectory,
  authorId: number,
) {
  const local = createArticleRepository(client);
  const published = new Set<number>();
  const changed = new Set<number>();
  const claims = new Map<number, string[]>();
  const claim = async (articleId: number, baseSlug: string) => {
    const slug = await directory.claim(baseSlug, articleId, authorId);
    claims.set(articleId, [...(claims.get(articleId) ?? []), slug]);
    return slug;
  };

  const articles: TransactionArticles = {
    async insert(article) {
      const { rows } = await client.query<{ id: number }>(
        `SELECT nextval(pg_get_serial_sequence('articles', 'id'))::float8 AS id`,
      );
      const id = (rows[0] as { id: number }).id;
      const slug = await claim(id, article.baseSlug);
      await client.query(
        `INSERT INTO articles (id, slug, title, description, body, author_id) OVERRIDING SYSTEM VALUE
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, slug, article.title, article.description, article.body, article.authorId],
      );
      published.add(id);
      return { id, slug };
    },
    async moveToSlug(id, baseSlug) {
      changed.add(id);
      // The directory already made the slug unique everywhere, so the shard takes it at the first attempt.
      return local.moveToSlug(id, await claim(id, baseSlug));
    },
    async update(id, fields) {
      changed.add(id);
      await local.update(id, fields);
    },
    async replaceTags(id, tags) {
      changed.add(id);
      return local.replaceTags(id, tags);
    },
  };

  return {
    articles,
    /** Appends the transaction's events; runs last inside it. */
    async finish(): Promise<void> {
      for (const id of published) await appendArticleEvent(client, 'article.published', id);
      for (const id of changed) {
        if (!published.has(id)) await appendArticleEvent(client, 'article.updated', id);
      }
    },
    /** After the shard committed: a renamed article's older slugs become previous ones. */
    async committed(): Promise<void> {
      for (const [id, slugs] of claims) {
        if (!published.has(id)) await directory.retireAllBut(id, slugs.at(-1) as string);
      }
    },
    /** After the shard rolled back: the slugs it claimed are free again. */
    async abandon(): Promise<void> {
      for (const [id, slugs] of claims) await directory.release(id, slugs);
    },
  };
}
