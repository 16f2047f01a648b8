import { type ArticleOwnRow, articleOwnColumns } from '@scaling/conduit';
import { appendEvent, articleKey, type EventType } from '@scaling/events';
import type pg from 'pg';

/** What an article event says about the article: read on the transaction's connection, so it sees the change. */
export async function articleFacts(client: pg.PoolClient, articleId: number) {
  const { rows } = await client.query<ArticleOwnRow>(
    `SELECT ${articleOwnColumns('NULL::bigint', false)} FROM articles a WHERE a.id = $1`,
    [articleId],
  );
  const row = rows[0];
  return row
    ? { articleId: row.id, slug: row.slug, title: row.title, authorId: row.author_id, tagList: row.tag_list }
    : null;
}

/** Appends article.favorited / article.unfavorited: the article (without its tags) and who favorited it. */
export async function appendFavoriteEvent(
  client: pg.PoolClient,
  type: Extract<EventType, 'article.favorited' | 'article.unfavorited'>,
  articleId: number,
  userId: number,
): Promise<void> {
  const facts = await articleFacts(client, articleId);
  if (!facts) return;
  const { tagList: _tags, ...article } = facts;
  await appendEvent(client, { type, key: articleKey(articleId), data: { ...article, userId } });
}

/** Appends article.published / article.updated with the article as it stands in this transaction. */
export async function appendArticleEvent(
  client: pg.PoolClient,
  type: Extract<EventType, 'article.published' | 'article.updated'>,
  articleId: number,
): Promise<void> {
  const facts = await articleFacts(client, articleId);
  if (facts) await appendEvent(client, { type, key: articleKey(articleId), data: facts });
}
