import { uniqueSuffix } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  buildTestApp,
  createArticle,
  follow,
  type RegisteredUser,
  registerUser,
  tokenHeader,
} from './support/test-app.ts';

let app: FastifyInstance;
let author: RegisteredUser;
let reader: RegisteredUser;
const articleCount = 20;

/** The number of statements sent to the pool while serving one request. */
async function queriesFor(url: string, token: string): Promise<{ queries: number; articles: number }> {
  const spy = vi.spyOn(app.pg, 'query');
  try {
    const response = await app.inject({ url, headers: tokenHeader(token) });
    expect(response.statusCode).toBe(200);
    return { queries: spy.mock.calls.length, articles: response.json().articles.length };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  app = await buildTestApp();
  author = await registerUser(app);
  reader = await registerUser(app);
  await follow(app, reader.token, author.username);
  // Every article has tags, a favorite and a followed author, so every per-row lookup is exercised.
  for (let index = 0; index < articleCount; index++) {
    const article = await createArticle(app, author.token, { tagList: [`q_${uniqueSuffix()}`, 'shared'] });
    await app.inject({
      method: 'POST',
      url: `/api/articles/${article.slug}/favorite`,
      headers: tokenHeader(reader.token),
    });
  }
});
afterAll(async () => {
  await app.close();
});

describe('no N+1 queries', () => {
  it('When the article list grows from 1 to 20 rows, then it still costs the same 2 queries', async () => {
    const one = await queriesFor(`/api/articles?author=${author.username}&limit=1`, reader.token);
    const twenty = await queriesFor(
      `/api/articles?author=${author.username}&limit=${articleCount}`,
      reader.token,
    );
    expect([one.articles, twenty.articles]).toEqual([1, articleCount]);
    expect(twenty.queries).toBe(one.queries);
    expect(twenty.queries).toBe(2);
  });

  it('When the feed grows from 1 to 20 rows, then it still costs the same 2 queries', async () => {
    const one = await queriesFor('/api/articles/feed?limit=1', reader.token);
    const twenty = await queriesFor(`/api/articles/feed?limit=${articleCount}`, reader.token);
    expect([one.articles, twenty.articles]).toEqual([1, articleCount]);
    expect(twenty.queries).toBe(one.queries);
    expect(twenty.queries).toBe(2);
  });
});
