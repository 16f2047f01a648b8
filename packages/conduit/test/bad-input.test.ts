import { maxLength } from '@scaling/contract';
import { buildArticle, buildUser, uniqueSuffix } from '@scaling/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonBodyLimit } from '../src/http/json-body-parser.ts';
import {
  buildTestApp,
  controlCharacters,
  createArticle,
  expectError,
  registerUser,
  tokenHeader,
  tooLong,
} from './support/test-app.ts';

const app = await buildTestApp();
afterAll(() => app.close());

const postUsers = (payload: string, contentType = 'application/json') =>
  app.inject({ method: 'POST', url: '/api/users', headers: { 'content-type': contentType }, payload });

describe('request bodies', () => {
  it('When the JSON is malformed, then 400 says so in the RealWorld shape', async () => {
    expectError(await postUsers('{"user": {'), 400, { body: ['is not valid JSON; send a JSON object'] });
  });

  it('When the body is not JSON, then 415 asks for application/json', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      expectError(await postUsers('user=me', contentType), 415, {
        body: ['must be sent with Content-Type: application/json'],
      });
    }
  });

  it('When the JSON starts with a byte order mark, then it is read as if the mark were absent', async () => {
    const user = buildUser();
    const response = await postUsers(`\uFEFF${JSON.stringify({ user })}`, 'application/json; charset=utf-8');
    expect({ status: response.statusCode, username: response.json().user?.username }).toEqual({
      status: 201,
      username: user.username,
    });
  });

  it('When the body exceeds the limit, then 413 names the limit', async () => {
    const payload = JSON.stringify({ user: { ...buildUser(), bio: 'x'.repeat(jsonBodyLimit) } });
    expectError(await postUsers(payload), 413, {
      body: [`is too large; send at most ${jsonBodyLimit} bytes`],
    });
  });

  it('When the body is empty or absent, then 422 says it cannot be blank', async () => {
    expectError(await postUsers(''), 422, { body: ["can't be blank"] });
    expectError(await app.inject({ method: 'POST', url: '/api/users' }), 422, { body: ["can't be blank"] });
  });

  it('When the body is JSON but not an object, then 422 asks for an object', async () => {
    expectError(await postUsers('[1, 2]'), 422, { body: ['must be an object'] });
    expectError(await postUsers('"text"'), 422, { body: ['must be an object'] });
  });

  it('When a bodiless POST still declares application/json, then it is accepted', async () => {
    const author = await registerUser(app);
    const article = await createArticle(app, author.token);
    const response = await app.inject({
      method: 'POST',
      url: `/api/articles/${article.slug}/favorite`,
      headers: { authorization: `Token ${author.token}`, 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(200);
  });

  it('When the body carries a __proto__ key, then it is ignored and nothing is polluted', async () => {
    const user = buildUser();
    const payload = `{"user": ${JSON.stringify(user).slice(0, -1)}, "__proto__": {"polluted": true}}}`;
    const response = await postUsers(payload);
    expect(response.statusCode).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('strings Postgres cannot store', () => {
  const nulError = (field: string) => ({ [field]: ['must not contain the NUL character (\\u0000)'] });
  const nameError = (field: string) => ({ [field]: controlCharacters });

  it('When a body field holds a NUL character, then 422 names the field instead of a database 500', async () => {
    const author = await registerUser(app);
    const postArticle = (article: object) =>
      app.inject({
        method: 'POST',
        url: '/api/articles',
        headers: tokenHeader(author.token),
        payload: { article },
      });
    expectError(await postArticle(buildArticle({ title: 'a\u0000b' })), 422, nulError('title'));
    expectError(await postArticle(buildArticle({ tagList: ['a\u0000b'] })), 422, nameError('tagList'));
    expectError(
      await postUsers(JSON.stringify({ user: buildUser({ username: 'a\u0000b' }) })),
      422,
      nameError('username'),
    );
  });

  it('When a query or path parameter holds a NUL character, then 422 names it instead of a database 500', async () => {
    expectError(await app.inject({ url: '/api/articles?tag=a%00b' }), 422, nameError('tag'));
    expectError(await app.inject({ url: '/api/articles?author=a%00b' }), 422, nameError('author'));
    expectError(await app.inject({ url: '/api/articles/a%00b' }), 422, nameError('slug'));
    expectError(await app.inject({ url: '/api/profiles/a%00b' }), 422, nameError('username'));
  });

  it('When a username, email or tag is longer than its unique index can hold, then 422 gives the maximum', async () => {
    // Random CJK characters: 3 bytes each and incompressible, so without the cap the index entry overflows.
    const overlong = (length: number) =>
      Array.from({ length }, () => String.fromCodePoint(0x4e00 + Math.floor(Math.random() * 20_000))).join(
        '',
      );
    expectError(await postUsers(JSON.stringify({ user: buildUser({ username: overlong(1000) }) })), 422, {
      username: tooLong(maxLength.username),
    });
    expectError(
      await postUsers(JSON.stringify({ user: buildUser({ email: `${overlong(1000)}@example.com` }) })),
      422,
      { email: tooLong(maxLength.email) },
    );
    const author = await registerUser(app);
    const response = await app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: tokenHeader(author.token),
      payload: { article: buildArticle({ tagList: [overlong(1000)] }) },
    });
    expectError(response, 422, { tagList: tooLong(maxLength.tag) });
  });

  it('When a username has the maximum length, then its profile can still be fetched by its path', async () => {
    const username = `${uniqueSuffix()}${'é'.repeat(maxLength.username)}`.slice(0, maxLength.username);
    await registerUser(app, { username });
    const response = await app.inject({ url: `/api/profiles/${encodeURIComponent(username)}` });
    expect({ status: response.statusCode, username: response.json().profile?.username }).toEqual({
      status: 200,
      username,
    });
  });
});

describe('tokens', () => {
  it('When a protected route gets no token, then 401 says it is missing', async () => {
    expectError(await app.inject({ url: '/api/user' }), 401, { token: ['is missing'] });
  });

  it.each([
    ['a Bearer scheme', 'Bearer abc'],
    ['no token after the scheme', 'Token'],
    ['two tokens', 'Token abc def'],
  ])('When the header has %s, then 401 says it is malformed', async (_case, authorization) => {
    expectError(await app.inject({ url: '/api/user', headers: { authorization } }), 401, {
      token: ['is malformed; send "Authorization: Token <token>"'],
    });
  });

  it('When the token was never issued, then 401 says it is invalid, on protected and optional routes alike', async () => {
    const headers = { authorization: 'Token not-a-real-session' };
    expectError(await app.inject({ url: '/api/user', headers }), 401, { token: ['is invalid'] });
    expectError(await app.inject({ url: '/api/articles', headers }), 401, { token: ['is invalid'] });
  });

  it('When an optional-auth route gets no token, then it answers anonymously', async () => {
    expect((await app.inject({ url: '/api/articles?limit=1' })).statusCode).toBe(200);
  });
});

describe('unknown routes and unexpected failures', () => {
  it('When the route does not exist, then 404 in the RealWorld shape', async () => {
    expectError(await app.inject({ url: '/api/nothing-here?x=1' }), 404, {
      route: ['GET /api/nothing-here does not exist'],
    });
  });

  it('When a path holds a malformed % escape, then 400 in the RealWorld shape says how to encode it', async () => {
    for (const url of ['/api/articles/%', '/api/profiles/%zz', '/api/articles/%E0%A4%A']) {
      expectError(await app.inject({ url }), 400, {
        url: ['is malformed: a % must start a percent-encoded UTF-8 character, such as %20'],
      });
    }
  });

  it('When a path segment is longer than any slug or username, then 414 in the RealWorld shape', async () => {
    expectError(await app.inject({ url: `/api/profiles/${'x'.repeat(101)}` }), 414, {
      url: ['has a path segment too long to be a slug, a username or an id'],
    });
  });

  it('When the method is not served on a known path, then 405 lists the allowed ones in Allow and in the RealWorld shape', async () => {
    const response = await app.inject({ method: 'PATCH', url: '/api/user' });
    expectError(response, 405, { method: ['PATCH is not allowed on /api/user; use GET, HEAD, PUT'] });
    expect(response.headers.allow).toBe('GET, HEAD, PUT');
    const onParameters = await app.inject({ method: 'PUT', url: '/api/articles/some-slug/comments/7?x=1' });
    expect({ status: onParameters.statusCode, allow: onParameters.headers.allow }).toEqual({
      status: 405,
      allow: 'DELETE',
    });
  });

  it('When a method that carries a body (QUERY) comes without one to a known path, then 405, not a body error', async () => {
    const response = await app.inject({ method: 'QUERY', url: '/api/tags' });
    expectError(response, 405, { method: ['QUERY is not allowed on /api/tags; use GET, HEAD'] });
  });

  it('When neither the path nor the method is known, then 404', async () => {
    expectError(await app.inject({ method: 'PATCH', url: '/api/nothing/here' }), 404, {
      route: ['PATCH /api/nothing/here does not exist'],
    });
  });
});
