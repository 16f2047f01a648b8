import type { Comment } from '@scaling/contract';
import type { Queryable } from '@scaling/db';
import { type AuthorRow, authorColumns, toAuthor } from '../profiles/author.ts';

/** A comment's own columns, as a database that holds comments but not their authors (a shard) returns them. */
export interface CommentOwnRow {
  id: number;
  body: string;
  created_at: Date;
  updated_at: Date;
}

export type CommentRow = CommentOwnRow & AuthorRow;

/** The comment's own columns over `comments c`. */
export const commentOwnColumns = 'c.id::float8 AS id, c.body, c.created_at, c.updated_at';

/** Columns over `comments c JOIN users u`; `viewer` is the parameter with the viewer's id or NULL. */
function commentColumns(viewer: string): string {
  return `${commentOwnColumns}, ${authorColumns(viewer, 'c.author_id')}`;
}

export function toComment(row: CommentRow): Comment {
  return {
    id: row.id,
    body: row.body,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    author: toAuthor(row),
  };
}

export function createCommentRepository(db: Queryable) {
  return {
    /** Newest first, ties broken by id, one page at a time: one query whatever the page size. */
    async listForArticle(
      articleId: number,
      page: { limit: number; offset: number },
      viewerId: number | null,
    ): Promise<Comment[]> {
      const { rows } = await db.query<CommentRow>(
        `SELECT ${commentColumns('$2::bigint')} FROM comments c JOIN users u ON u.id = c.author_id
          WHERE c.article_id = $1
          ORDER BY c.created_at DESC, c.id DESC
          LIMIT $3 OFFSET $4`,
        [articleId, viewerId, page.limit, page.offset],
      );
      return rows.map(toComment);
    },

    async insert(comment: { articleId: number; authorId: number; body: string }): Promise<Comment> {
      const { rows } = await db.query<CommentRow>(
        `WITH c AS (
           INSERT INTO comments (article_id, author_id, body) VALUES ($1, $2, $3) RETURNING *
         )
         SELECT ${commentColumns('$2::bigint')} FROM c JOIN users u ON u.id = c.author_id`,
        [comment.articleId, comment.authorId, comment.body],
      );
      return toComment(rows[0] as CommentRow);
    },

    async findAuthorId(articleId: number, commentId: number): Promise<number | null> {
      const { rows } = await db.query<{ authorId: number }>(
        'SELECT author_id::float8 AS "authorId" FROM comments WHERE id = $1 AND article_id = $2',
        [commentId, articleId],
      );
      return rows[0]?.authorId ?? null;
    },

    /**
     * Returns the deleted comment's author (whose write it was), null when it was already gone. The article is
     * asked for although the comment's id alone names it: a sharded store finds the comment by its article.
     */
    async delete(articleId: number, commentId: number): Promise<number | null> {
      const { rows } = await db.query<{ authorId: number }>(
        'DELETE FROM comments WHERE id = $1 AND article_id = $2 RETURNING author_id::float8 AS "authorId"',
        [commentId, articleId],
      );
      return rows[0]?.authorId ?? null;
    },
  };
}
