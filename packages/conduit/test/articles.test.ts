import { buildArticle, uniqueSuffix } from '@scaling/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createArticle,
  expectError,
  follow,
  registerUser,
  tokenHeader,
} from './support/test-app.ts';

const app = await buildTestApp();
afterAll(() => app.close());

const updateArticle = (token: string, slug: string, article: Record<string, unknown>) =>
  app.inject({
    method: 'PUT',
    url: `/api/articles/${slug}`,
    headers: tokenHeader(token),
    payload: { article },
  });

describe('POST /api/articles', () => {
  it('When an author creates an article, then 201 returns it with a slug from the title and sorted tags', async () => {
    const author = await registerUser(app);
    const suffix = uniqueSuffix();
    const input = buildArticle({ title: `Hello World ${suffix}`, tagList: [`t_${suffix}`, `d_${suffix}`] });
    const response = await app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: tokenHeader(author.token),
      payload: { article: input },
    });
    expect(response.statusCode).toBe(201);
    const { article } = response.json();
    expect(article).toEqual({
      slug: `hello-world-${suffix}`,
      title: input.title,
      description: input.description,
      body: input.body,
      tagList: [`d_${suffix}`, `t_${suffix}`],
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      updatedAt: article.createdAt,
      favorited: false,
      favoritesCount: 0,
      author: { username: author.username, bio: null, image: null, following: false },
    });
  });

  it('When two articles share a title, then each gets its own slug', async () => {
    const author = await registerUser(app);
    const title = `Same Title ${uniqueSuffix()}`;
    const first = await createArticle(app, author.token, { title });
    const second = await createArticle(app, author.token, { title });
    expect(second.slug).not.toBe(first.slug);
    expect(second.slug.startsWith(first.slug)).toBe(true);
  });

  it('When a tag is repeated, then the article lists it once', async () => {
    const author = await registerUser(app);
    const tag = `dup_${uniqueSuffix()}`;
    const article = await createArticle(app, author.token, { tagList: [tag, tag, ` ${tag} `] });
    expect(article.tagList).toEqual([tag]);
  });

  it.each([
    ['title', { title: '' }, "can't be blank"],
    ['description', { description: '' }, "can't be blank"],
    ['body', { body: '' }, "can't be blank"],
    ['body', { body: undefined }, "can't be blank"],
    ['title', { title: 7 }, 'must be a string'],
    ['tagList', { tagList: 'one,two' }, 'must be an array of strings'],
    ['tagList', { tagList: ['ok', ''] }, "can't be blank"],
  ])('When %s is %j, then 422 keys the error by that field', async (field, override, message) => {
    const author = await registerUser(app);
    const response = await app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: tokenHeader(author.token),
      payload: { article: { ...buildArticle(), ...override } },
    });
    expectError(response, 422, { [field]: [message] });
  });
});

describe('GET /api/articles/:slug', () => {
  it('When anyone reads an article, then 200 returns it with its body', async () => {
    const author = await registerUser(app);
    const created = await createArticle(app, author.token);
    const response = await app.inject({ url: `/api/articles/${created.slug}` });
    expect(response.statusCode).toBe(200);
    expect(response.json().article).toMatchObject({ slug: created.slug, body: expect.any(String) });
  });

  it('When a follower reads it, then the author shows as followed', async () => {
    const author = await registerUser(app);
    const reader = await registerUser(app);
    await follow(app, reader.token, author.username);
    const created = await createArticle(app, author.token);
    const response = await app.inject({
      url: `/api/articles/${created.slug}`,
      headers: tokenHeader(reader.token),
    });
    expect(response.json().article.author.following).toBe(true);
  });

  it('When the slug is unknown, then 404 says the article was not found', async () => {
    expectError(await app.inject({ url: `/api/articles/unknown-${uniqueSuffix()}` }), 404, {
      article: ['not found'],
    });
  });
});

describe('GET /api/articles', () => {
  it('When listing by author, then the newest comes first, bodies are omitted and the count is the total', async () => {
    const author = await registerUser(app);
    const first = await createArticle(app, author.token);
    const second = await createArticle(app, author.token);
    const third = await createArticle(app, author.token);
    const response = await app.inject({ url: `/api/articles?author=${author.username}` });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.articlesCount).toBe(3);
    expect(body.articles.map((article: { slug: string }) => article.slug)).toEqual([
      third.slug,
      second.slug,
      first.slug,
    ]);
    for (const article of body.articles) expect(article).not.toHaveProperty('body');
  });

  it('When paging with limit and offset, then each page holds the next articles and the full count', async () => {
    const author = await registerUser(app);
    const older = await createArticle(app, author.token);
    const newer = await createArticle(app, author.token);
    const page = (offset: number) =>
      app.inject({ url: `/api/articles?author=${author.username}&limit=1&offset=${offset}` });
    expect((await page(0)).json()).toMatchObject({ articlesCount: 2, articles: [{ slug: newer.slug }] });
    expect((await page(1)).json()).toMatchObject({ articlesCount: 2, articles: [{ slug: older.slug }] });
    expect((await page(2)).json()).toEqual({ articlesCount: 2, articles: [] });
  });

  it('When filtering by tag, then only articles with that tag are listed', async () => {
    const author = await registerUser(app);
    const tag = `only_${uniqueSuffix()}`;
    const tagged = await createArticle(app, author.token, { tagList: [tag, 'other'] });
    await createArticle(app, author.token, { tagList: ['other'] });
    const body = (await app.inject({ url: `/api/articles?tag=${tag}` })).json();
    expect(body.articlesCount).toBe(1);
    expect(body.articles[0]).toMatchObject({ slug: tagged.slug, tagList: [tag, 'other'] });
  });

  it('When filtering by favorited, then only that user’s favorites are listed', async () => {
    const author = await registerUser(app);
    const fan = await registerUser(app);
    const liked = await createArticle(app, author.token);
    await createArticle(app, author.token);
    await app.inject({
      method: 'POST',
      url: `/api/articles/${liked.slug}/favorite`,
      headers: tokenHeader(fan.token),
    });
    const body = (await app.inject({ url: `/api/articles?favorited=${fan.username}` })).json();
    expect(body.articlesCount).toBe(1);
    expect(body.articles[0]).toMatchObject({ slug: liked.slug, favoritesCount: 1, favorited: false });
    const asFan = await app.inject({
      url: `/api/articles?favorited=${fan.username}`,
      headers: tokenHeader(fan.token),
    });
    expect(asFan.json().articles[0].favorited).toBe(true);
  });

  it('When filters are combined, then an article must match all of them', async () => {
    const author = await registerUser(app);
    const tag = `combo_${uniqueSuffix()}`;
    await createArticle(app, author.token, { tagList: [tag] });
    const stranger = await registerUser(app);
    const body = (await app.inject({ url: `/api/articles?tag=${tag}&author=${stranger.username}` })).json();
    expect(body).toEqual({ articles: [], articlesCount: 0 });
  });

  it('When the filter names an unknown user, then the list is empty', async () => {
    const body = (await app.inject({ url: `/api/articles?author=nobody_${uniqueSuffix()}` })).json();
    expect(body).toEqual({ articles: [], articlesCount: 0 });
  });

  it('When no limit is given, then a page holds 20 articles and the count all of them', async () => {
    const author = await registerUser(app);
    for (let index = 0; index < 21; index++) await createArticle(app, author.token);
    const body = (await app.inject({ url: `/api/articles?author=${author.username}` })).json();
    expect({ pageSize: body.articles.length, count: body.articlesCount }).toEqual({
      pageSize: 20,
      count: 21,
    });
  });

  it.each([
    ['limit', 'limit=0', 'must be at least 1'],
    ['limit', 'limit=101', 'must be at most 100'],
    ['limit', 'limit=abc', 'must be an integer'],
    ['limit', 'limit=1.5', 'must be an integer'],
    ['offset', 'offset=-1', 'must be at least 0'],
    ['tag', 'tag=a&tag=b', 'must be a single string'],
  ])('When the query has a bad %s (%s), then 422 names it', async (field, query, message) => {
    expectError(await app.inject({ url: `/api/articles?${query}` }), 422, { [field]: [message] });
  });
});

describe('GET /api/articles/feed', () => {
  it('When a user follows authors, then the feed lists only their articles, newest first', async () => {
    const reader = await registerUser(app);
    const followed = await registerUser(app);
    const ignored = await registerUser(app);
    expect(
      (await app.inject({ url: '/api/articles/feed', headers: tokenHeader(reader.token) })).json(),
    ).toEqual({
      articles: [],
      articlesCount: 0,
    });
    await follow(app, reader.token, followed.username);
    const older = await createArticle(app, followed.token);
    await createArticle(app, ignored.token);
    const newer = await createArticle(app, followed.token);
    const feed = (await app.inject({ url: '/api/articles/feed', headers: tokenHeader(reader.token) })).json();
    expect(feed.articlesCount).toBe(2);
    expect(feed.articles.map((article: { slug: string }) => article.slug)).toEqual([newer.slug, older.slug]);
    expect(feed.articles[0]).not.toHaveProperty('body');
    expect(feed.articles[0].author).toMatchObject({ username: followed.username, following: true });
    const page = await app.inject({
      url: '/api/articles/feed?limit=1&offset=1',
      headers: tokenHeader(reader.token),
    });
    expect(page.json()).toMatchObject({ articlesCount: 2, articles: [{ slug: older.slug }] });
  });

  it('When the feed is asked for without a token, then 401 says the token is missing', async () => {
    expectError(await app.inject({ url: '/api/articles/feed' }), 401, { token: ['is missing'] });
  });
});

describe('PUT /api/articles/:slug', () => {
  it('When only the body changes, then slug, tags and createdAt stay and updatedAt moves forward', async () => {
    const author = await registerUser(app);
    const tags = [`a_${uniqueSuffix()}`, `b_${uniqueSuffix()}`];
    const created = await createArticle(app, author.token, { tagList: tags });
    const response = await updateArticle(author.token, created.slug, { body: 'Updated body' });
    expect(response.statusCode).toBe(200);
    const { article } = response.json();
    expect(article).toMatchObject({ slug: created.slug, body: 'Updated body', tagList: tags });
    expect(article.createdAt).toBe(created.createdAt);
    expect(Date.parse(article.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
  });

  it('When the title changes, then the slug follows it and the old slug still leads to the article', async () => {
    const author = await registerUser(app);
    const created = await createArticle(app, author.token);
    const suffix = uniqueSuffix();
    const response = await updateArticle(author.token, created.slug, { title: `Brand New ${suffix}` });
    expect(response.json().article).toMatchObject({
      title: `Brand New ${suffix}`,
      slug: `brand-new-${suffix}`,
    });
    expect((await app.inject({ url: `/api/articles/brand-new-${suffix}` })).statusCode).toBe(200);
    const old = await app.inject({ url: `/api/articles/${created.slug}` });
    expect({ status: old.statusCode, slug: old.json().article?.slug }).toEqual({
      status: 200,
      slug: `brand-new-${suffix}`,
    });
  });

  it('When an article was renamed, then favoriting, commenting, renaming and deleting by its old slug act on it', async () => {
    const author = await registerUser(app);
    const created = await createArticle(app, author.token);
    const renamed = (
      await updateArticle(author.token, created.slug, { title: `Renamed ${uniqueSuffix()}` })
    ).json().article.slug as string;
    const favorite = await app.inject({
      method: 'POST',
      url: `/api/articles/${created.slug}/favorite`,
      headers: tokenHeader(author.token),
    });
    expect({ status: favorite.statusCode, slug: favorite.json().article.slug }).toEqual({
      status: 200,
      slug: renamed,
    });
    const comment = await app.inject({
      method: 'POST',
      url: `/api/articles/${created.slug}/comments`,
      headers: tokenHeader(author.token),
      payload: { comment: { body: 'Still here' } },
    });
    expect(comment.statusCode).toBe(201);
    const again = await updateArticle(author.token, created.slug, { title: `Again ${uniqueSuffix()}` });
    expect(again.statusCode).toBe(200);
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/articles/${created.slug}`,
      headers: tokenHeader(author.token),
    });
    expect(deleted.statusCode).toBe(204);
    for (const slug of [created.slug, renamed, again.json().article.slug]) {
      expect((await app.inject({ url: `/api/articles/${slug}` })).statusCode).toBe(404);
    }
  });

  it('When a new article takes a slug another one had before a rename, then the slug leads to the new article', async () => {
    const author = await registerUser(app);
    const title = `Reused ${uniqueSuffix()}`;
    const first = await createArticle(app, author.token, { title });
    await updateArticle(author.token, first.slug, { title: `Moved away ${uniqueSuffix()}` });
    const second = await createArticle(app, author.token, { title });
    expect(second.slug).toBe(first.slug);
    const read = await app.inject({ url: `/api/articles/${first.slug}` });
    expect(read.json().article.title).toBe(title);
  });

  it('When the new title is the start of the old one, then the slug follows it', async () => {
    const author = await registerUser(app);
    const title = `Long Story ${uniqueSuffix()}`;
    const created = await createArticle(app, author.token, { title: `${title} Made Short` });
    const response = await updateArticle(author.token, created.slug, { title });
    expect(response.json().article.slug).toBe(created.slug.replace(/-made-short$/, ''));
  });

  it('When the new title only changes case or punctuation, then the slug stays', async () => {
    const author = await registerUser(app);
    const title = `Cosmetic Edit ${uniqueSuffix()}`;
    await createArticle(app, author.token, { title });
    const suffixed = await createArticle(app, author.token, { title });
    const response = await updateArticle(author.token, suffixed.slug, { title: `${title.toUpperCase()}!` });
    expect(response.json().article.slug).toBe(suffixed.slug);
  });

  it('When the new title matches another article’s slug, then the slug gets a suffix', async () => {
    const author = await registerUser(app);
    const title = `Taken Title ${uniqueSuffix()}`;
    const existing = await createArticle(app, author.token, { title });
    const renamed = await createArticle(app, author.token);
    const response = await updateArticle(author.token, renamed.slug, { title });
    expect(response.json().article.slug).toMatch(new RegExp(`^${existing.slug}-[0-9a-f]{8}$`));
  });

  it('When tagList is an empty array, then all tags are removed; when it is null, then 422', async () => {
    const author = await registerUser(app);
    const created = await createArticle(app, author.token, { tagList: [`x_${uniqueSuffix()}`] });
    expect((await updateArticle(author.token, created.slug, { tagList: [] })).json().article.tagList).toEqual(
      [],
    );
    expect((await app.inject({ url: `/api/articles/${created.slug}` })).json().article.tagList).toEqual([]);
    expect((await updateArticle(author.token, created.slug, { tagList: null })).statusCode).toBe(422);
  });

  it('When another user updates the article, then 403 and nothing changes', async () => {
    const author = await registerUser(app);
    const intruder = await registerUser(app);
    const created = await createArticle(app, author.token);
    expectError(await updateArticle(intruder.token, created.slug, { body: 'hijacked' }), 403, {
      article: ['forbidden'],
    });
    expect((await app.inject({ url: `/api/articles/${created.slug}` })).json().article.body).not.toBe(
      'hijacked',
    );
  });

  it('When the slug is unknown, then 404', async () => {
    const author = await registerUser(app);
    expectError(await updateArticle(author.token, `unknown-${uniqueSuffix()}`, { body: 'x' }), 404, {
      article: ['not found'],
    });
  });

  it('When a field is set to an empty string, then 422', async () => {
    const author = await registerUser(app);
    const created = await createArticle(app, author.token);
    expectError(await updateArticle(author.token, created.slug, { title: '' }), 422, {
      title: ["can't be blank"],
    });
  });

  it('When there is no token, then 401 comes before any lookup', async () => {
    const response = await app.inject({
      method: 'PUT',
      url: `/api/articles/unknown-${uniqueSuffix()}`,
      payload: { article: { body: 'x' } },
    });
    expectError(response, 401, { token: ['is missing'] });
  });
});

describe('DELETE /api/articles/:slug', () => {
  it('When the author deletes the article, then 204 with no body and it is gone', async () => {
    const author = await registerUser(app);
    const created = await createArticle(app, author.token);
    const response = await app.inject({
      method: 'DELETE',
      url: `/api/articles/${created.slug}`,
      headers: tokenHeader(author.token),
    });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expectError(await app.inject({ url: `/api/articles/${created.slug}` }), 404, { article: ['not found'] });
  });

  it('When another user deletes it, then 403 and it survives', async () => {
    const author = await registerUser(app);
    const intruder = await registerUser(app);
    const created = await createArticle(app, author.token);
    const response = await app.inject({
      method: 'DELETE',
      url: `/api/articles/${created.slug}`,
      headers: tokenHeader(intruder.token),
    });
    expectError(response, 403, { article: ['forbidden'] });
    expect((await app.inject({ url: `/api/articles/${created.slug}` })).statusCode).toBe(200);
  });

  it('When the slug is unknown, then 404; when there is no token, then 401', async () => {
    const author = await registerUser(app);
    const url = `/api/articles/unknown-${uniqueSuffix()}`;
    expectError(await app.inject({ method: 'DELETE', url, headers: tokenHeader(author.token) }), 404, {
      article: ['not found'],
    });
    expectError(await app.inject({ method: 'DELETE', url }), 401, { token: ['is missing'] });
  });
});
