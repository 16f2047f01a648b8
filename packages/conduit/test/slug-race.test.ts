import { uniqueSuffix } from '@scaling/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, createArticle, registerUser, tokenHeader } from './support/test-app.ts';

const app = await buildTestApp();
afterAll(() => app.close());
const author = await registerUser(app);

const rename = (slug: string, title: string) =>
  app.inject({
    method: 'PUT',
    url: `/api/articles/${slug}`,
    headers: tokenHeader(author.token),
    payload: { article: { title } },
  });

const create = (title: string) =>
  app.inject({
    method: 'POST',
    url: '/api/articles',
    headers: tokenHeader(author.token),
    payload: { article: { title, description: 'd', body: 'b' } },
  });

describe('two writes that want the same slug at once', () => {
  it('When two articles are renamed to one title at the same moment, then both succeed with different slugs', async () => {
    for (let round = 0; round < 5; round += 1) {
      const title = `Same new title ${uniqueSuffix()}`;
      const [first, second] = await Promise.all([
        createArticle(app, author.token),
        createArticle(app, author.token),
      ]);
      const responses = await Promise.all([rename(first.slug, title), rename(second.slug, title)]);
      expect(responses.map((response) => response.statusCode)).toEqual([200, 200]);
      const slugs = responses.map((response) => response.json().article.slug as string);
      expect(new Set(slugs).size).toBe(2);
      expect(slugs.every((slug) => slug.startsWith(title.toLowerCase().replaceAll(' ', '-')))).toBe(true);
    }
  });

  it('When an article is renamed to the title another one is being created with, then both succeed', async () => {
    for (let round = 0; round < 5; round += 1) {
      const title = `Contested title ${uniqueSuffix()}`;
      const existing = await createArticle(app, author.token);
      const responses = await Promise.all([rename(existing.slug, title), create(title)]);
      expect(responses.map((response) => response.statusCode)).toEqual([200, 201]);
      expect(new Set(responses.map((response) => response.json().article.slug)).size).toBe(2);
    }
  });
});
