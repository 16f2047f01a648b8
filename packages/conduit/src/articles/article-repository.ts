import type { Article, ArticleListItem } from '@scaling/contract';
import type { Queryable } from '@scaling/db';
import { withUniqueSuffix } from '../domain/slug.ts';
import { type AuthorRow, authorColumns, toAuthor } from '../profiles/author.ts';

export interface ArticleFilter {
  tag?: string | undefined;
  author?: string | undefined;
  favoritedBy?: string | undefined;
  /** The feed: only articles whose authors this user follows. */
  followedBy?: number | undefined;
}

export interface ArticlePage {
  articles: ArticleListItem[];
  articlesCount: number;
}

/** An article as every viewer sees it before their own flags are laid over, with the author's id. */
export interface SharedArticle {
  /** As an anonymous viewer sees it: `favorited` and `author.following` are false. */
  article: Article;
  id: number;
  authorId: number;
}

/** An article's own columns, as a database that holds articles but not their authors (a shard) returns them. */
export interface ArticleOwnRow {
  id: number;
  author_id: number;
  slug: string;
  title: string;
  description: string;
  body?: string;
  tag_list: string[];
  created_at: Date;
  updated_at: Date;
  favorites_count: number;
  favorited: boolean;
}

/** An article row with its author's profile columns joined in. */
export type ArticleRow = ArticleOwnRow & AuthorRow;

/**
 * The article's own columns over `articles a`: tags and favorited by correlated subqueries evaluated inside
 * Postgres. `viewer` is the SQL parameter holding the viewer's id (NULL when anonymous: EXISTS is false).
 */
export function articleOwnColumns(viewer: string, includeBody: boolean): string {
  return `a.id::float8 AS id, a.author_id::float8 AS author_id, a.slug, a.title, a.description, ${includeBody ? 'a.body,' : ''}
    a.created_at, a.updated_at, a.favorites_count,
    coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM article_tags at JOIN tags t ON t.id = at.tag_id
               WHERE at.article_id = a.id), '{}') AS tag_list,
    EXISTS (SELECT 1 FROM favorites f WHERE f.article_id = a.id AND f.user_id = ${viewer}) AS favorited`;
}

/**
 * Everything an article response needs, in one statement: the article's own columns and its author by join.
 * A page of N articles therefore costs one round trip, not 1 + N.
 */
function articleColumns(viewer: string, includeBody: boolean): string {
  return `${articleOwnColumns(viewer, includeBody)}, ${authorColumns(viewer, 'a.author_id')}`;
}

/** Articles carrying the tag named by the SQL parameter `name`. */
export function taggedWith(name: string): string {
  return `EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id
                   WHERE at.article_id = a.id AND t.name = ${name})`;
}

export function toListItem(row: ArticleRow): ArticleListItem {
  return {
    slug: row.slug,
    title: row.title,
    description: row.description,
    tagList: row.tag_list,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    favorited: row.favorited,
    favoritesCount: row.favorites_count,
    author: toAuthor(row),
  };
}

export function toArticle(row: ArticleRow): Article {
  return { ...toListItem(row), body: row.body ?? '' };
}

/** WHERE clause over `articles a`, appending its values to params. */
function whereClause(filter: ArticleFilter, params: unknown[]): string {
  const conditions: string[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.author !== undefined) {
    conditions.push(`a.author_id = (SELECT id FROM users WHERE username = ${param(filter.author)})`);
  }
  if (filter.tag !== undefined) {
    conditions.push(taggedWith(param(filter.tag)));
  }
  if (filter.favoritedBy !== undefined) {
    conditions.push(`EXISTS (SELECT 1 FROM favorites f JOIN users fu ON fu.id = f.user_id
                              WHERE f.article_id = a.id AND fu.username = ${param(filter.favoritedBy)})`);
  }
  if (filter.followedBy !== undefined) {
    conditions.push(
      `a.author_id IN (SELECT followee_id FROM follows WHERE follower_id = ${param(filter.followedBy)})`,
    );
  }
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

/** The unique index on slugs refused a value another article already holds. */
function isSlugTaken(error: unknown): boolean {
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'articles_slug_key';
}

/**
 * The id of the article the slug in $1 names: the article whose slug it is, else the one that had it before a
 * rename, so that links survive title changes. COALESCE evaluates the second lookup only when the first finds nothing.
 */
const articleIdOfSlug = `coalesce((SELECT id FROM articles WHERE slug = $1),
            (SELECT article_id FROM article_previous_slugs WHERE slug = $1))`;

export function createArticleRepository(db: Queryable) {
  async function findOne(idExpression: string, value: unknown, viewerId: number | null) {
    const { rows } = await db.query<ArticleRow>(
      `SELECT ${articleColumns('$2::bigint', true)} FROM articles a JOIN users u ON u.id = a.author_id
        WHERE a.id = ${idExpression}`,
      [value, viewerId],
    );
    return rows[0];
  }

  return {
    async findBySlug(slug: string, viewerId: number | null): Promise<Article | null> {
      const row = await findOne(articleIdOfSlug, slug, viewerId);
      return row ? toArticle(row) : null;
    },

    async findById(id: number, viewerId: number | null): Promise<Article | null> {
      const row = await findOne('$1', id, viewerId);
      return row ? toArticle(row) : null;
    },

    /**
     * What a cache can share between viewers (stage 4's read path): the article as nobody in particular sees it,
     * with its author's id, so the author can be composed from a profile entry and the viewer's flags laid over.
     */
    async findSharedBySlug(slug: string): Promise<SharedArticle | null> {
      const row = await findOne(articleIdOfSlug, slug, null);
      return row ? { article: toArticle(row), id: row.id, authorId: row.author_id } : null;
    },

    /** Just enough to authorize a change: the id, the author and the article's current slug. */
    async findOwnership(slug: string): Promise<{ id: number; authorId: number; slug: string } | null> {
      const { rows } = await db.query<{ id: number; authorId: number; slug: string }>(
        `SELECT id::float8 AS id, author_id::float8 AS "authorId", slug FROM articles
          WHERE id = ${articleIdOfSlug}`,
        [slug],
      );
      return rows[0] ?? null;
    },

    /** Newest first, ties broken by id; exactly two queries (page and count) whatever the page size. */
    async list(
      filter: ArticleFilter,
      page: { limit: number; offset: number },
      viewerId: number | null,
    ): Promise<ArticlePage> {
      const pageParams: unknown[] = [viewerId];
      const pageWhere = whereClause(filter, pageParams);
      pageParams.push(page.limit, page.offset);
      const countParams: unknown[] = [];
      const countWhere = whereClause(filter, countParams);
      const [pageResult, countResult] = await Promise.all([
        db.query<ArticleRow>(
          `SELECT ${articleColumns('$1::bigint', false)} FROM articles a JOIN users u ON u.id = a.author_id
           ${pageWhere}
           ORDER BY a.created_at DESC, a.id DESC
           LIMIT $${pageParams.length - 1} OFFSET $${pageParams.length}`,
          pageParams,
        ),
        db.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM articles a ${countWhere}`,
          countParams,
        ),
      ]);
      return { articles: pageResult.rows.map(toListItem), articlesCount: countResult.rows[0]?.count ?? 0 };
    },

    /** Tries the base slug first; on a clash with another article's slug, retries with a random suffix. */
    async insert(article: {
      baseSlug: string;
      title: string;
      description: string;
      body: string;
      authorId: number;
    }): Promise<{ id: number; slug: string }> {
      for (let attempt = 0; attempt < 5; attempt++) {
        const slug = attempt === 0 ? article.baseSlug : withUniqueSuffix(article.baseSlug);
        // ON CONFLICT DO NOTHING instead of catching 23505: a unique violation would abort the transaction.
        const { rows } = await db.query<{ id: number }>(
          `INSERT INTO articles (slug, title, description, body, author_id) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (slug) DO NOTHING RETURNING id::float8 AS id`,
          [slug, article.title, article.description, article.body, article.authorId],
        );
        if (rows[0]) return { id: rows[0].id, slug };
      }
      throw new Error(`No free slug found for "${article.baseSlug}" after 5 attempts.`);
    },

    /**
     * Gives the article `baseSlug`, or on a clash that base with a random suffix; returns the slug it got. Only
     * inside a transaction: each attempt runs under a savepoint, because a concurrent transaction that takes the
     * same slug first (two renames, or a rename and a create) surfaces as a unique violation, which would abort
     * the whole transaction; rolled back to the savepoint, it costs one retry instead.
     */
    async moveToSlug(id: number, baseSlug: string): Promise<string> {
      await db.query(
        `INSERT INTO article_previous_slugs (slug, article_id) SELECT slug, id FROM articles WHERE id = $1
         ON CONFLICT (slug) DO UPDATE SET article_id = excluded.article_id`,
        [id],
      );
      for (let attempt = 0; attempt < 5; attempt++) {
        const slug = attempt === 0 ? baseSlug : withUniqueSuffix(baseSlug);
        await db.query('SAVEPOINT move_to_slug');
        try {
          await db.query('UPDATE articles SET slug = $2 WHERE id = $1', [id, slug]);
          await db.query('RELEASE SAVEPOINT move_to_slug');
          return slug;
        } catch (error) {
          if (!isSlugTaken(error)) throw error;
          await db.query('ROLLBACK TO SAVEPOINT move_to_slug');
        }
      }
      throw new Error(`No free slug found for "${baseSlug}" after 5 attempts.`);
    },

    /**
     * updated_at moves at least 1 ms past its previous value: responses carry millisecond timestamps,
     * and an update landing in the same millisecond as the create must still show a later updatedAt.
     */
    async update(
      id: number,
      changes: { title?: string; description?: string; body?: string },
    ): Promise<void> {
      await db.query(
        `UPDATE articles
            SET title = coalesce($2, title), description = coalesce($3, description), body = coalesce($4, body),
                updated_at = greatest(now(), updated_at + interval '1 millisecond')
          WHERE id = $1`,
        [id, changes.title ?? null, changes.description ?? null, changes.body ?? null],
      );
    },

    /**
     * Replaces the article's tags and returns the ones new to the tag list (a cache of it is then out of date).
     * Two statements on purpose: when a concurrent transaction inserts the same new tag, the first statement
     * waits for it, and the second one's fresh snapshot then sees its row.
     */
    async replaceTags(articleId: number, tags: readonly string[]): Promise<string[]> {
      await db.query('DELETE FROM article_tags WHERE article_id = $1', [articleId]);
      if (tags.length === 0) return [];
      const created = await db.query<{ name: string }>(
        'INSERT INTO tags (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING RETURNING name',
        [tags],
      );
      await db.query(
        'INSERT INTO article_tags (article_id, tag_id) SELECT $1, id FROM tags WHERE name = ANY($2::text[])',
        [articleId, tags],
      );
      return created.rows.map((row) => row.name);
    },

    async delete(id: number): Promise<void> {
      await db.query('DELETE FROM articles WHERE id = $1', [id]);
    },

    /**
     * Inserting the favorite and bumping the counter is one statement, so the counter cannot drift. Says whether
     * it changed anything (false when the favorite was already there).
     */
    async favorite(userId: number, articleId: number): Promise<boolean> {
      const { rowCount } = await db.query(
        `WITH added AS (
           INSERT INTO favorites (user_id, article_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING article_id
         )
         UPDATE articles SET favorites_count = favorites_count + 1 WHERE id IN (SELECT article_id FROM added)`,
        [userId, articleId],
      );
      return rowCount === 1;
    },

    async unfavorite(userId: number, articleId: number): Promise<boolean> {
      const { rowCount } = await db.query(
        `WITH removed AS (DELETE FROM favorites WHERE user_id = $1 AND article_id = $2 RETURNING article_id)
         UPDATE articles SET favorites_count = favorites_count - 1 WHERE id IN (SELECT article_id FROM removed)`,
        [userId, articleId],
      );
      return rowCount === 1;
    },

    async allTagNames(): Promise<string[]> {
      const { rows } = await db.query<{ name: string }>('SELECT name FROM tags ORDER BY name');
      return rows.map((row) => row.name);
    },
  };
}

export type ArticleRepository = ReturnType<typeof createArticleRepository>;

/** What a transaction's work writes through (`Repositories.transaction`): the writes of creating and editing an article. */
export type TransactionArticles = Pick<ArticleRepository, 'insert' | 'replaceTags' | 'moveToSlug' | 'update'>;
