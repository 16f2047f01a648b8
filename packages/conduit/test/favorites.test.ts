import { uniqueSuffix } from '@scaling/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, createArticle, expectError, registerUser, tokenHeader } from './support/test-app.ts';

const app = await buildTestApp();
afterAll(() => app.close());

const favorite = (method: 'POST' | 'DELETE', slug: string, token?: string) =>
  app.inject({
    method,
    url: `/api/articles/${slug}/favorite`,
    ...(token ? { headers: tokenHeader(token) } : {}),
  });

describe('favorites', () => {
  it('When a user favorites an article, then it is favorited for them and the count goes up', async () => {
    const author = await registerUser(app);
    const fan = await registerUser(app);
    const article = await createArticle(app, author.token);
    const response = await favorite('POST', article.slug, fan.token);
    expect(response.statusCode).toBe(200);
    expect(response.json().article).toMatchObject({ slug: article.slug, favorited: true, favoritesCount: 1 });
    const seenByAuthor = await app.inject({
      url: `/api/articles/${article.slug}`,
      headers: tokenHeader(author.token),
    });
    expect(seenByAuthor.json().article).toMatchObject({ favorited: false, favoritesCount: 1 });
  });

  it('When a user favorites twice, then the count still goes up once', async () => {
    const author = await registerUser(app);
    const fan = await registerUser(app);
    const article = await createArticle(app, author.token);
    await favorite('POST', article.slug, fan.token);
    const again = await favorite('POST', article.slug, fan.token);
    expect(again.json().article.favoritesCount).toBe(1);
  });

  it('When two users favorite and one unfavorites, then the count follows and unfavoriting twice is harmless', async () => {
    const author = await registerUser(app);
    const [first, second] = [await registerUser(app), await registerUser(app)];
    const article = await createArticle(app, author.token);
    await favorite('POST', article.slug, first.token);
    expect((await favorite('POST', article.slug, second.token)).json().article.favoritesCount).toBe(2);
    const removed = await favorite('DELETE', article.slug, first.token);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().article).toMatchObject({ favorited: false, favoritesCount: 1 });
    expect((await favorite('DELETE', article.slug, first.token)).json().article.favoritesCount).toBe(1);
  });

  it('When the slug is unknown, then both favorite and unfavorite answer 404', async () => {
    const fan = await registerUser(app);
    const slug = `unknown-${uniqueSuffix()}`;
    expectError(await favorite('POST', slug, fan.token), 404, { article: ['not found'] });
    expectError(await favorite('DELETE', slug, fan.token), 404, { article: ['not found'] });
  });

  it('When there is no token, then 401 says the token is missing', async () => {
    expectError(await favorite('POST', 'any-slug'), 401, { token: ['is missing'] });
    expectError(await favorite('DELETE', 'any-slug'), 401, { token: ['is missing'] });
  });
});
