import { buildArticle, uniqueSuffix } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, expectError, registerUser, tokenHeader } from './support/test-app.ts';

describe('the articlePublished hook', () => {
  let app: FastifyInstance;
  const published: Array<{ id: number; authorId: number; visibleInTransaction: boolean }> = [];

  beforeAll(async () => {
    app = await buildTestApp({
      hooks: {
        async articlePublished(db, article) {
          const { rows } = await db.query<{ title: string }>('SELECT title FROM articles WHERE id = $1', [
            article.id,
          ]);
          published.push({ ...article, visibleInTransaction: rows.length === 1 });
          if (rows[0]?.title.startsWith('Explode')) throw new Error('secret internal detail');
        },
      },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('When an article is created, then the hook runs on the transaction that already holds it', async () => {
    const author = await registerUser(app);
    const response = await app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: tokenHeader(author.token),
      payload: { article: buildArticle() },
    });
    expect(response.statusCode).toBe(201);
    expect(published.at(-1)).toMatchObject({ id: expect.any(Number), visibleInTransaction: true });
  });

  it('When the hook fails, then the article is rolled back and 500 hides the detail', async () => {
    const author = await registerUser(app);
    const title = `Explode ${uniqueSuffix()}`;
    const response = await app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: tokenHeader(author.token),
      payload: { article: buildArticle({ title }) },
    });
    expectError(response, 500, {
      server: ['The server could not handle this request. Try again later; the error has been logged.'],
    });
    expect(response.body).not.toContain('secret');
    const list = await app.inject({ url: `/api/articles?author=${author.username}` });
    expect(list.json().articlesCount).toBe(0);
  });
});
