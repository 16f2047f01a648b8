import { queryRows } from './database.ts';
import type { ResolvedRequest } from './mix.ts';

/**
 * Comments made since `since` that exist more than once: the same author, article and text. A write retried
 * without an Idempotency-Key after it had in fact committed leaves exactly this behind.
 */
export async function duplicateComments(
  databaseUrl: string,
  since: Date,
): Promise<{ comments: number; duplicated: number; extraRows: number }> {
  const [row] = await queryRows<{ comments: string; duplicated: string; extra_rows: string }>(
    databaseUrl,
    `SELECT coalesce(sum(copies), 0) AS comments,
            count(*) FILTER (WHERE copies > 1) AS duplicated,
            coalesce(sum(copies - 1), 0) AS extra_rows
       FROM (SELECT count(*) AS copies FROM comments WHERE created_at >= $1
              GROUP BY article_id, author_id, body) AS groups`,
    [since],
  );
  return {
    comments: Number(row?.comments ?? 0),
    duplicated: Number(row?.duplicated ?? 0),
    extraRows: Number(row?.extra_rows ?? 0),
  };
}

/** The article and text a `POST /api/articles/{slug}/comments` request carried, or null for any other request. */
export function commentOf(request: ResolvedRequest): { slug: string; body: string } | null {
  const match = /^\/api\/articles\/([^/?]+)\/comments$/.exec(request.path);
  if (request.method !== 'POST' || !match || request.body === undefined) return null;
  const parsed = JSON.parse(request.body) as { comment?: { body?: string } };
  if (typeof parsed.comment?.body !== 'string') return null;
  return { slug: decodeURIComponent(match[1] as string), body: parsed.comment.body };
}

/** For each comment request, how many rows made since `since` hold its text on its article (0: it never ran). */
export async function storedCommentCopies(
  databaseUrl: string,
  requests: ResolvedRequest[],
  since: Date,
): Promise<number[]> {
  const copies: number[] = [];
  for (const request of requests) {
    const comment = commentOf(request);
    if (comment === null) continue;
    const [row] = await queryRows<{ copies: string }>(
      databaseUrl,
      `SELECT count(*) AS copies FROM comments JOIN articles ON articles.id = comments.article_id
        WHERE articles.slug = $1 AND comments.body = $2 AND comments.created_at >= $3`,
      [comment.slug, comment.body, since],
    );
    copies.push(Number(row?.copies ?? 0));
  }
  return copies;
}
