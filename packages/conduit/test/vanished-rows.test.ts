import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../src/index.ts';
import { buildTestApp, createArticle, expectError, registerUser, tokenHeader } from './support/test-app.ts';

/**
 * The article lookup answers from before a delete, as a cached copy that outlived its row would (stage 4): the
 * article is deleted right after it was found, before the write that points at it.
 */
let deleteAfterLookup = false;
const staleLookups = (real: Repositories): Repositories => ({
  ...real,
  articles: {
    ...real.articles,
    async findOwnership(slug) {
      const found = await real.articles.findOwnership(slug);
      if (found && deleteAfterLookup) await app.pg.query('DELETE FROM articles WHERE id = $1', [found.id]);
      return found;
    },
  },
});

const app: FastifyInstance = await buildTestApp({ repositories: staleLookups });
afterAll(() => app.close());

async function articleDeletedOnLookup() {
  const author = await registerUser(app);
  const reader = await registerUser(app);
  deleteAfterLookup = false;
  const article = await createArticle(app, author.token);
  deleteAfterLookup = true;
  return { reader, slug: article.slug };
}

describe('a write that points at a row deleted since its lookup', () => {
  it('When the article is deleted between the lookup and the favorite, then 404 says the article is not found', async () => {
    const { reader, slug } = await articleDeletedOnLookup();
    const response = await app.inject({
      method: 'POST',
      url: `/api/articles/${slug}/favorite`,
      headers: tokenHeader(reader.token),
    });
    expectError(response, 404, { article: ['not found'] });
  });

  it('When the article is deleted between the lookup and the comment, then 404 says the article is not found', async () => {
    const { reader, slug } = await articleDeletedOnLookup();
    const response = await app.inject({
      method: 'POST',
      url: `/api/articles/${slug}/comments`,
      headers: tokenHeader(reader.token),
      payload: { comment: { body: 'Too late.' } },
    });
    expectError(response, 404, { article: ['not found'] });
  });

  it('When the signed-in user no longer exists but the token still resolves, then following answers 401, not 500', async () => {
    deleteAfterLookup = false;
    const ghost = await registerUser(app);
    const followed = await registerUser(app);
    await app.pg.query('DELETE FROM users WHERE username = $1', [ghost.username]);
    const response = await app.inject({
      method: 'POST',
      url: `/api/profiles/${followed.username}/follow`,
      headers: tokenHeader(ghost.token),
    });
    expectError(response, 401, { token: ['is invalid'] });
    expect(response.statusCode).toBe(401);
  });
});
