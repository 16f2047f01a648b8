import { maxLength, maxOffset, maxPageSize, maxTagsPerArticle } from '@scaling/contract';
import { buildArticle, buildComment, buildUser, uniqueSuffix } from '@scaling/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { maxJsonDepth } from '../src/http/json-body-parser.ts';
import { buildRedisTestApp } from './support/redis-test-app.ts';
import {
  buildTestApp,
  controlCharacters,
  createArticle,
  createComment,
  expectError,
  registerUser,
  tokenHeader,
  tooLong,
} from './support/test-app.ts';

const app = await buildTestApp();
const redisApp = await buildRedisTestApp();
afterAll(() => Promise.all([app.close(), redisApp.close()]));
const author = await registerUser(app);

/** `length` characters; astral ones count as one each, as JSON Schema's maxLength counts them. */
const text = (length: number, character = 'x') => character.repeat(length);

describe('length limits on what the API stores', () => {
  const postArticle = (article: object) =>
    app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: tokenHeader(author.token),
      payload: { article },
    });

  it.each([
    ['title', maxLength.title],
    ['description', maxLength.description],
    ['body', maxLength.body],
  ] as const)(
    'When an article %s is one character over its limit, then 422 gives the maximum',
    async (field, max) => {
      expectError(await postArticle(buildArticle({ [field]: text(max + 1) })), 422, {
        [field]: tooLong(max),
      });
      const atLimit = await postArticle(buildArticle({ [field]: text(max - 1, '😀') + text(1) }));
      expect(atLimit.statusCode, atLimit.body).toBe(201);
    },
  );

  it('When an update carries an over-long title, then 422 and the article is unchanged', async () => {
    const article = await createArticle(app, author.token);
    const response = await app.inject({
      method: 'PUT',
      url: `/api/articles/${article.slug}`,
      headers: tokenHeader(author.token),
      payload: { article: { title: text(maxLength.title + 1) } },
    });
    expectError(response, 422, { title: tooLong(maxLength.title) });
    expect((await app.inject({ url: `/api/articles/${article.slug}` })).json().article.title).toBe(
      article.title,
    );
  });

  it('When an article has more tags than the cap, then 422 names the cap; at the cap it is created', async () => {
    const tags = Array.from({ length: maxTagsPerArticle + 1 }, (_, index) => `tag${index}`);
    expectError(await postArticle(buildArticle({ tagList: tags })), 422, {
      tagList: [`must hold at most ${maxTagsPerArticle} tags`],
    });
    const atCap = await postArticle(buildArticle({ tagList: tags.slice(1) }));
    expect(atCap.statusCode, atCap.body).toBe(201);
  });

  it('When a tag holds a control character or is blank, then 422 names the tag list', async () => {
    expectError(await postArticle(buildArticle({ tagList: ['\u0001'] })), 422, {
      tagList: controlCharacters,
    });
    expectError(await postArticle(buildArticle({ tagList: ['a\u009fb'] })), 422, {
      tagList: controlCharacters,
    });
    expectError(await postArticle(buildArticle({ tagList: [' \u00a0'] })), 422, {
      tagList: ["can't be blank"],
    });
  });

  it('When a comment is one character over its limit, then 422 gives the maximum', async () => {
    const article = await createArticle(app, author.token);
    const response = await app.inject({
      method: 'POST',
      url: `/api/articles/${article.slug}/comments`,
      headers: tokenHeader(author.token),
      payload: { comment: buildComment({ body: text(maxLength.comment + 1) }) },
    });
    expectError(response, 422, { body: tooLong(maxLength.comment) });
  });

  it.each([
    ['bio', maxLength.bio],
    ['image', maxLength.image],
  ] as const)(
    'When a profile %s is one character over its limit, then 422 gives the maximum',
    async (field, max) => {
      const user = await registerUser(app);
      const response = await app.inject({
        method: 'PUT',
        url: '/api/user',
        headers: tokenHeader(user.token),
        payload: { user: { [field]: text(max + 1) } },
      });
      expectError(response, 422, { [field]: tooLong(max) });
    },
  );

  it('When a registration breaks a limit, then 422 names each field; a password is counted in characters', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: {
        user: buildUser({
          username: `a\u0007b`,
          email: `${text(maxLength.email)}@example.com`,
          password: text(maxLength.password + 1),
        }),
      },
    });
    expectError(response, 422, {
      username: controlCharacters,
      email: tooLong(maxLength.email),
      password: tooLong(maxLength.password),
    });
    // Four emoji are eight UTF-16 units but four characters: too short, as the document's minLength says.
    const short = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { user: buildUser({ password: '😀😀😀😀' }) },
    });
    expectError(short, 422, { password: ['is too short (minimum is 8 characters)'] });
  });

  it('When a login sends an over-long password, then 422 before any hashing', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/users/login',
      payload: { user: { email: 'someone@example.com', password: text(maxLength.password + 1) } },
    });
    expectError(response, 422, { password: tooLong(maxLength.password) });
  });
});

describe('paging', () => {
  it('When offset is past the deepest page allowed, then 422 gives the maximum; at the maximum it answers', async () => {
    expectError(await app.inject({ url: `/api/articles?offset=${maxOffset + 1}` }), 422, {
      offset: [`must be at most ${maxOffset}`],
    });
    expect((await app.inject({ url: `/api/articles?offset=${maxOffset}` })).statusCode).toBe(200);
  });

  it('When offset or limit is empty or not a whole number, then 422 says it must be an integer', async () => {
    for (const query of ['offset=', 'limit=', 'offset=1.5', 'offset=0x10', 'limit=%201']) {
      const field = query.split('=')[0] as string;
      expectError(await app.inject({ url: `/api/articles?${query}` }), 422, {
        [field]: ['must be an integer'],
      });
    }
  });

  it("When an article's comments are read without paging, then all of a small thread come back, newest first", async () => {
    const article = await createArticle(app, author.token);
    const ids = [];
    for (let index = 0; index < 3; index += 1)
      ids.push((await createComment(app, author.token, article.slug)).id);
    const response = await app.inject({ url: `/api/articles/${article.slug}/comments` });
    expect(response.json().comments.map((comment: { id: number }) => comment.id)).toEqual(ids.reverse());
  });

  it("When an article's comments are paged, then limit and offset pick the page and bad values get 422", async () => {
    const article = await createArticle(app, author.token);
    const ids = [];
    for (let index = 0; index < 5; index += 1)
      ids.push((await createComment(app, author.token, article.slug)).id);
    const page = await app.inject({ url: `/api/articles/${article.slug}/comments?limit=2&offset=1` });
    expect(page.json().comments.map((comment: { id: number }) => comment.id)).toEqual(
      ids.reverse().slice(1, 3),
    );
    expectError(
      await app.inject({ url: `/api/articles/${article.slug}/comments?limit=${maxPageSize + 1}` }),
      422,
      {
        limit: [`must be at most ${maxPageSize}`],
      },
    );
    expectError(await app.inject({ url: `/api/articles/${article.slug}/comments?offset=` }), 422, {
      offset: ['must be an integer'],
    });
  });
});

describe('JSON nesting', () => {
  const nested = (depth: number) => `${'['.repeat(depth - 1)}{}${']'.repeat(depth - 1)}`;
  const deepBody = (depth: number) => `{"user": ${nested(depth - 1)}}`;

  it('When a body nests deeper than the bound, then 400 names the bound before any validation', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { 'content-type': 'application/json' },
      payload: deepBody(maxJsonDepth + 1),
    });
    expectError(response, 400, {
      body: [`nests objects and arrays deeper than ${maxJsonDepth} levels; send a flatter JSON object`],
    });
  });

  it('When a body nests exactly to the bound, or hides brackets inside strings, then it is parsed as usual', async () => {
    const atBound = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { 'content-type': 'application/json' },
      payload: deepBody(maxJsonDepth),
    });
    expectError(atBound, 422, { user: ['must be an object'] });
    const user = buildUser({ username: `${uniqueSuffix()}${'['.repeat(20)}\\"${'{'.repeat(20)}` });
    const response = await app.inject({ method: 'POST', url: '/api/users', payload: { user } });
    expect(response.statusCode, response.body).toBe(201);
  });

  it('When a route without a body schema gets deep nesting with an Idempotency-Key, then 400, not a 500 from its fingerprint', async () => {
    const user = await registerUser(redisApp);
    const article = await createArticle(redisApp, user.token);
    const response = await redisApp.inject({
      method: 'POST',
      url: `/api/articles/${article.slug}/favorite`,
      headers: {
        ...tokenHeader(user.token),
        'content-type': 'application/json',
        'idempotency-key': `key-${uniqueSuffix()}`,
      },
      payload: nested(400_000),
    });
    expect(response.statusCode, response.body).toBe(400);
  });
});
