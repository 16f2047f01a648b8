import { uniqueSuffix } from '@scaling/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createArticle,
  createComment,
  expectError,
  follow,
  registerUser,
  tokenHeader,
} from './support/test-app.ts';

const app = await buildTestApp();
afterAll(() => app.close());

const deleteComment = (slug: string, id: number | string, token?: string) =>
  app.inject({
    method: 'DELETE',
    url: `/api/articles/${slug}/comments/${id}`,
    ...(token ? { headers: tokenHeader(token) } : {}),
  });

describe('comments', () => {
  it('When a user comments, then 201 returns the comment with an integer id and the author', async () => {
    const author = await registerUser(app);
    const article = await createArticle(app, author.token);
    const response = await app.inject({
      method: 'POST',
      url: `/api/articles/${article.slug}/comments`,
      headers: tokenHeader(author.token),
      payload: { comment: { body: 'First!' } },
    });
    expect(response.statusCode).toBe(201);
    const { comment } = response.json();
    expect(comment).toEqual({
      id: expect.any(Number),
      body: 'First!',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      updatedAt: comment.createdAt,
      author: { username: author.username, bio: null, image: null, following: false },
    });
    expect(Number.isInteger(comment.id)).toBe(true);
  });

  it('When comments are listed, then they come newest first, with following from the viewer', async () => {
    const author = await registerUser(app);
    const reader = await registerUser(app);
    await follow(app, reader.token, author.username);
    const article = await createArticle(app, author.token);
    const older = await createComment(app, author.token, article.slug);
    const newer = await createComment(app, author.token, article.slug);
    const anonymous = (await app.inject({ url: `/api/articles/${article.slug}/comments` })).json();
    expect(anonymous.comments.map((comment: { id: number }) => comment.id)).toEqual([newer.id, older.id]);
    expect(anonymous.comments[0].author.following).toBe(false);
    const asReader = await app.inject({
      url: `/api/articles/${article.slug}/comments`,
      headers: tokenHeader(reader.token),
    });
    expect(asReader.json().comments[0].author.following).toBe(true);
  });

  it('When the author deletes one of two comments, then 204 and only the other remains', async () => {
    const author = await registerUser(app);
    const article = await createArticle(app, author.token);
    const removed = await createComment(app, author.token, article.slug);
    const kept = await createComment(app, author.token, article.slug);
    const response = await deleteComment(article.slug, removed.id, author.token);
    expect(response.statusCode).toBe(204);
    const list = (await app.inject({ url: `/api/articles/${article.slug}/comments` })).json();
    expect(list.comments.map((comment: { id: number }) => comment.id)).toEqual([kept.id]);
  });

  it('When another user deletes a comment, then 403 and the comment survives', async () => {
    const author = await registerUser(app);
    const intruder = await registerUser(app);
    const article = await createArticle(app, author.token);
    const comment = await createComment(app, author.token, article.slug);
    expectError(await deleteComment(article.slug, comment.id, intruder.token), 403, {
      comment: ['forbidden'],
    });
    const list = (await app.inject({ url: `/api/articles/${article.slug}/comments` })).json();
    expect(list.comments).toHaveLength(1);
  });

  it('When the comment id does not exist on that article, then 404 names the comment', async () => {
    const author = await registerUser(app);
    const article = await createArticle(app, author.token);
    const elsewhere = await createArticle(app, author.token);
    const comment = await createComment(app, author.token, elsewhere.slug);
    expectError(await deleteComment(article.slug, 999_999_999, author.token), 404, {
      comment: ['not found'],
    });
    expectError(await deleteComment(article.slug, comment.id, author.token), 404, { comment: ['not found'] });
  });

  it('When the article is unknown, then listing, posting and deleting answer 404 for the article', async () => {
    const user = await registerUser(app);
    const slug = `unknown-${uniqueSuffix()}`;
    expectError(await app.inject({ url: `/api/articles/${slug}/comments` }), 404, { article: ['not found'] });
    const post = await app.inject({
      method: 'POST',
      url: `/api/articles/${slug}/comments`,
      headers: tokenHeader(user.token),
      payload: { comment: { body: 'orphan' } },
    });
    expectError(post, 404, { article: ['not found'] });
    expectError(await deleteComment(slug, 1, user.token), 404, { article: ['not found'] });
  });

  it('When the comment id is not a positive integer, then 422 names the id', async () => {
    const user = await registerUser(app);
    const article = await createArticle(app, user.token);
    expectError(await deleteComment(article.slug, 'abc', user.token), 422, { id: ['must be an integer'] });
    expectError(await deleteComment(article.slug, 0, user.token), 422, { id: ['must be at least 1'] });
  });

  it('When the comment body is empty or missing, then 422 says it cannot be blank', async () => {
    const user = await registerUser(app);
    const article = await createArticle(app, user.token);
    for (const comment of [{ body: '' }, {}]) {
      const response = await app.inject({
        method: 'POST',
        url: `/api/articles/${article.slug}/comments`,
        headers: tokenHeader(user.token),
        payload: { comment },
      });
      expectError(response, 422, { body: ["can't be blank"] });
    }
  });

  it('When posting or deleting without a token, then 401 says the token is missing', async () => {
    const post = await app.inject({
      method: 'POST',
      url: '/api/articles/some-slug/comments',
      payload: { comment: { body: 'x' } },
    });
    expectError(post, 401, { token: ['is missing'] });
    expectError(await deleteComment('some-slug', 1), 401, { token: ['is missing'] });
  });
});
