import { buildArticle, buildComment, buildUser, uniqueSuffix } from '@scaling/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseNow } from '../src/database.ts';
import { commentOf, duplicateComments, storedCommentCopies } from '../src/duplicates.ts';
import { buildRequest } from './builders.ts';

function commentRequest(slug: string, body: string) {
  return buildRequest({
    name: 'comment',
    method: 'POST',
    path: `/api/articles/${encodeURIComponent(slug)}/comments`,
    body: JSON.stringify({ comment: { body } }),
  });
}

describe('commentOf', () => {
  it('When a request posts a comment, then its article and text are read back; any other request gives null', () => {
    expect(commentOf(commentRequest('a b', 'hello'))).toEqual({ slug: 'a b', body: 'hello' });
    expect(commentOf(buildRequest())).toBeNull();
    expect(commentOf(buildRequest({ method: 'POST', path: '/api/articles/x/favorite' }))).toBeNull();
  });
});

describe('duplicate comments in Postgres', () => {
  const databaseUrl = inject('databaseUrl');
  const client = new pg.Client({ connectionString: databaseUrl });
  let authorId = 0;
  let articleId = 0;
  let slug = '';

  beforeAll(async () => {
    await client.connect();
    const user = buildUser();
    const users = await client.query<{ id: string }>(
      'INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3) RETURNING id',
      [user.username, user.email, 'not-a-hash'],
    );
    authorId = Number(users.rows[0]?.id);
    const article = buildArticle();
    slug = `duplicates-${uniqueSuffix()}`;
    const articles = await client.query<{ id: string }>(
      'INSERT INTO articles (slug, title, description, body, author_id) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [slug, article.title, article.description, article.body, authorId],
    );
    articleId = Number(articles.rows[0]?.id);
  });

  afterAll(async () => {
    await client.query('DELETE FROM users WHERE id = $1', [authorId]);
    await client.end();
  });

  const insertComment = (body: string) =>
    client.query('INSERT INTO comments (article_id, author_id, body) VALUES ($1, $2, $3)', [
      articleId,
      authorId,
      body,
    ]);

  it('When the same author posts the same text on the same article twice, then it counts as one duplicate', async () => {
    const since = await databaseNow(databaseUrl);
    const once = buildComment().body;
    const twice = buildComment().body;
    await insertComment(once);
    await insertComment(twice);
    await insertComment(twice);

    const found = await duplicateComments(databaseUrl, since);
    // Other tests may add comments meanwhile, but none of them twice with the same text.
    expect(found.comments).toBeGreaterThanOrEqual(3);
    expect(found.duplicated).toBe(1);
    expect(found.extraRows).toBe(1);
    expect(
      await storedCommentCopies(
        databaseUrl,
        [commentRequest(slug, once), commentRequest(slug, twice), commentRequest(slug, 'never posted')],
        since,
      ),
    ).toEqual([1, 2, 0]);
  });
});
