import { buildUser } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBodyLimit } from '../src/http/json-body-parser.ts';
import { buildTestApp, createArticle, expectError, registerUser } from './support/test-app.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

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

  it('When the method is not served on a route, then 404 in the RealWorld shape', async () => {
    expectError(await app.inject({ method: 'PATCH', url: '/api/user' }), 404, {
      route: ['PATCH /api/user does not exist'],
    });
  });
});
