import { withUniqueSuffix } from '@scaling/conduit';
import type pg from 'pg';
import { ShardsError } from './errors.ts';

/** An article as the directory knows it: enough to find its shard (through its author) and to authorize a change. */
export interface DirectoryEntry {
  id: number;
  authorId: number;
  /** The article's current slug (the one looked up may be a previous one). */
  slug: string;
}

/** An article's author never changes, so this map only ever misses; its bound caps the memory, not staleness. */
const maxRememberedAuthors = 50_000;

/**
 * The global `article_directory`: slug -> article and author, for every current and previous slug, so a slug is
 * unique across shards. A slug is claimed here before the shard transaction that uses it commits, and released if
 * that transaction fails.
 */
export function createArticleDirectory(global: pg.Pool) {
  const authors = new Map<number, number>();
  const remember = (articleId: number, authorId: number) => {
    if (authors.size >= maxRememberedAuthors) authors.delete(authors.keys().next().value as number);
    authors.set(articleId, authorId);
  };

  return {
    async locate(slug: string): Promise<DirectoryEntry | null> {
      const { rows } = await global.query<DirectoryEntry>(
        `SELECT d.article_id::float8 AS id, d.author_id::float8 AS "authorId",
                coalesce((SELECT c.slug FROM article_directory c WHERE c.article_id = d.article_id AND c.current LIMIT 1),
                         d.slug) AS slug
           FROM article_directory d WHERE d.slug = $1`,
        [slug],
      );
      const entry = rows[0];
      if (entry) remember(entry.id, entry.authorId);
      return entry ?? null;
    },

    /** The article's author: from memory, else from the directory; null when no slug names the article. */
    async authorOf(articleId: number): Promise<number | null> {
      const known = authors.get(articleId);
      if (known !== undefined) return known;
      const { rows } = await global.query<{ authorId: number }>(
        'SELECT author_id::float8 AS "authorId" FROM article_directory WHERE article_id = $1 LIMIT 1',
        [articleId],
      );
      const authorId = rows[0]?.authorId;
      if (authorId === undefined) return null;
      remember(articleId, authorId);
      return authorId;
    },

    /**
     * Claims `baseSlug` for the article, or on a clash the base with a random suffix, and returns the slug it got.
     * A slug that is only some article's previous slug is taken over: a live article's slug wins, as in conduit.
     */
    async claim(baseSlug: string, articleId: number, authorId: number): Promise<string> {
      for (let attempt = 0; attempt < 5; attempt++) {
        const slug = attempt === 0 ? baseSlug : withUniqueSuffix(baseSlug);
        const { rowCount } = await global.query(
          `INSERT INTO article_directory (slug, article_id, author_id, current) VALUES ($1, $2, $3, true)
           ON CONFLICT (slug) DO UPDATE
             SET article_id = excluded.article_id, author_id = excluded.author_id, current = true
             WHERE NOT article_directory.current OR article_directory.article_id = excluded.article_id`,
          [slug, articleId, authorId],
        );
        if (rowCount === 1) {
          remember(articleId, authorId);
          return slug;
        }
      }
      throw new ShardsError(
        'SHARD_NO_FREE_SLUG',
        `No free slug found for "${baseSlug}" after 5 attempts: retry the request, or change the title.`,
      );
    },

    /** Gives back slugs claimed by a shard transaction that did not commit. */
    async release(articleId: number, slugs: readonly string[]): Promise<void> {
      if (slugs.length === 0) return;
      await global.query('DELETE FROM article_directory WHERE article_id = $1 AND slug = ANY($2::text[])', [
        articleId,
        slugs,
      ]);
    },

    /** After a rename committed: every slug of the article but `current` becomes a previous one. */
    async retireAllBut(articleId: number, current: string): Promise<void> {
      await global.query(
        'UPDATE article_directory SET current = false WHERE article_id = $1 AND slug <> $2 AND current',
        [articleId, current],
      );
    },

    /** After the article's deletion committed on its shard. */
    async forget(articleId: number): Promise<void> {
      await global.query('DELETE FROM article_directory WHERE article_id = $1', [articleId]);
      authors.delete(articleId);
    },
  };
}

export type ArticleDirectory = ReturnType<typeof createArticleDirectory>;
