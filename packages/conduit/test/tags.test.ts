import { uniqueSuffix } from '@scaling/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, createArticle, registerUser, tokenHeader } from './support/test-app.ts';

const app = await buildTestApp();
afterAll(() => app.close());

describe('GET /api/tags', () => {
  it('When articles carry tags, then every tag is listed once', async () => {
    const user = await registerUser(app);
    const [first, second] = [`h_${uniqueSuffix()}`, `t_${uniqueSuffix()}`];
    await createArticle(app, user.token, { tagList: [first, second] });
    await createArticle(app, user.token, { tagList: [first] });
    const response = await app.inject({ url: '/api/tags' });
    expect(response.statusCode).toBe(200);
    const tags: string[] = response.json().tags;
    expect(tags).toEqual(expect.arrayContaining([first, second]));
    expect(tags.filter((tag) => tag === first)).toHaveLength(1);
  });

  it('When the only article with a tag is deleted, then the tag is still listed', async () => {
    const user = await registerUser(app);
    const tag = `kept_${uniqueSuffix()}`;
    const article = await createArticle(app, user.token, { tagList: [tag] });
    await app.inject({
      method: 'DELETE',
      url: `/api/articles/${article.slug}`,
      headers: tokenHeader(user.token),
    });
    expect((await app.inject({ url: '/api/tags' })).json().tags).toContain(tag);
  });
});
