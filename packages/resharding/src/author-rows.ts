import type { Queryable } from '@scaling/db';

/**
 * The tables whose rows belong to an article (and so to its author's shard), copied with their own ids. Rows travel
 * as JSON and come back through jsonb_populate_recordset, so a column the shard schema gains travels too.
 */
const articleChildTables = ['article_previous_slugs', 'favorites', 'comments'] as const;

/** Every table a move touches, in the order the copies are inserted (parents first). */
export const movedTables = ['articles', 'article_tags', ...articleChildTables] as const;
export type MovedTable = (typeof movedTables)[number];

export interface AuthorRows {
  articles: unknown[];
  children: Record<(typeof articleChildTables)[number], unknown[]>;
  /** Tag ids are each shard's own, so an article's tags travel by name. */
  tags: { articleId: string; name: string }[];
}

const ofAuthor = 'SELECT id FROM articles WHERE author_id = $1';

/** Everything the author owns on this shard: their articles and the rows that hang off them. */
export async function readAuthorRows(db: Queryable, authorId: number): Promise<AuthorRows> {
  const articles = await asJson(
    db,
    `SELECT to_jsonb(t) AS row FROM articles t WHERE author_id = $1`,
    authorId,
  );
  const children = {} as AuthorRows['children'];
  for (const table of articleChildTables) {
    children[table] = await asJson(
      db,
      `SELECT to_jsonb(t) AS row FROM ${table} t WHERE article_id IN (${ofAuthor})`,
      authorId,
    );
  }
  const { rows: tags } = await db.query<{ articleId: string; name: string }>(
    `SELECT article_tags.article_id::text AS "articleId", tags.name
     FROM article_tags JOIN tags ON tags.id = article_tags.tag_id
     WHERE article_tags.article_id IN (${ofAuthor})`,
    [authorId],
  );
  return { articles, children, tags };
}

async function asJson(db: Queryable, sql: string, authorId: number): Promise<unknown[]> {
  const { rows } = await db.query<{ row: unknown }>(sql, [authorId]);
  return rows.map((row) => row.row);
}

/** Inserts the copies with their ids (OVERRIDING SYSTEM VALUE: the ids stay those of the shard that drew them). */
export async function insertAuthorRows(db: Queryable, rows: AuthorRows): Promise<number> {
  let inserted = await insertJson(db, 'articles', rows.articles);
  if (rows.tags.length > 0) {
    const names = rows.tags.map((tag) => tag.name);
    await db.query(
      'INSERT INTO tags (name) SELECT DISTINCT name FROM unnest($1::text[]) AS name ON CONFLICT (name) DO NOTHING',
      [names],
    );
    const result = await db.query(
      `INSERT INTO article_tags (article_id, tag_id)
       SELECT moved.article_id, tags.id
       FROM unnest($1::bigint[], $2::text[]) AS moved (article_id, name) JOIN tags ON tags.name = moved.name`,
      [rows.tags.map((tag) => tag.articleId), names],
    );
    inserted += result.rowCount ?? 0;
  }
  for (const table of articleChildTables) inserted += await insertJson(db, table, rows.children[table]);
  return inserted;
}

async function insertJson(db: Queryable, table: string, rows: unknown[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db.query(
    `INSERT INTO ${table} OVERRIDING SYSTEM VALUE
     SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`,
    [JSON.stringify(rows)],
  );
  return result.rowCount ?? 0;
}

/** Deletes the author's rows from this shard, children first; tags stay (other authors' articles share them). */
export async function deleteAuthorRows(db: Queryable, authorId: number): Promise<number> {
  let deleted = 0;
  for (const table of [...articleChildTables, 'article_tags'] as const) {
    const result = await db.query(`DELETE FROM ${table} WHERE article_id IN (${ofAuthor})`, [authorId]);
    deleted += result.rowCount ?? 0;
  }
  const result = await db.query('DELETE FROM articles WHERE author_id = $1', [authorId]);
  return deleted + (result.rowCount ?? 0);
}

export function countRows(rows: AuthorRows): number {
  return (
    rows.articles.length +
    rows.tags.length +
    articleChildTables.reduce((sum, table) => sum + rows.children[table].length, 0)
  );
}
