import type { Queryable } from '@scaling/db';
import { enqueue } from './enqueue.ts';

/** Called inside the article's insert transaction, so the article and its follow-up work commit together. */
export async function articlePublished(
  db: Queryable,
  article: { id: number; authorId: number },
): Promise<void> {
  await enqueue(db, 'notify-followers', { articleId: article.id, authorId: article.authorId });
  await enqueue(db, 'recompute-popular-tags', {});
}
