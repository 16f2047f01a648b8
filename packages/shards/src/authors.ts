import { type AuthorRow, authorColumns } from '@scaling/conduit';
import type pg from 'pg';

/**
 * The authors of a page (username, bio, image, and whether the viewer follows them) from the global database, in
 * one query whatever the page size: shards hold ids, the users live here.
 */
export async function loadAuthors(
  global: pg.Pool,
  authorIds: Iterable<number>,
  viewerId: number | null,
): Promise<Map<number, AuthorRow>> {
  const ids = [...new Set(authorIds)];
  if (ids.length === 0) return new Map();
  const { rows } = await global.query<AuthorRow & { id: number }>(
    `SELECT u.id::float8 AS id, ${authorColumns('$2::bigint', 'u.id')} FROM users u WHERE u.id = ANY($1::bigint[])`,
    [ids, viewerId],
  );
  return new Map(rows.map(({ id, ...author }) => [id, author]));
}

/** Each row with its author's columns; a row whose author is gone from the global database is left out. */
export async function withAuthors<T extends { author_id: number }>(
  global: pg.Pool,
  rows: readonly T[],
  viewerId: number | null,
): Promise<Array<T & AuthorRow>> {
  const authors = await loadAuthors(
    global,
    rows.map((row) => row.author_id),
    viewerId,
  );
  return rows.flatMap((row) => {
    const author = authors.get(row.author_id);
    return author ? [{ ...row, ...author }] : [];
  });
}
