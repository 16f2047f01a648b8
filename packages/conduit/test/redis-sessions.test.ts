import { type PrivateRedis, startPrivateRedis } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRedisTestApp } from './support/redis-test-app.ts';
import { createArticle, expectError, registerUser, tokenHeader } from './support/test-app.ts';

const unavailable = { session: ['store is unavailable right now; retry in a few seconds'] };

describe('sessions in Redis, shared by replicas', () => {
  let first: FastifyInstance;
  let second: FastifyInstance;
  beforeAll(async () => {
    [first, second] = await Promise.all([
      buildRedisTestApp({ instanceName: 'app.1' }),
      buildRedisTestApp({ instanceName: 'app.2' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  it('When a user registers on one replica, then the token works on another', async () => {
    const user = await registerUser(first);
    const response = await second.inject({ url: '/api/user', headers: tokenHeader(user.token) });
    expect(response.statusCode).toBe(200);
    expect(response.json().user.username).toBe(user.username);
    expect(response.headers['x-served-by']).toBe('app.2');
  });

  it('When a user logs out on one replica, then the token is refused on every replica and other sessions live on', async () => {
    const user = await registerUser(first);
    const login = await second.inject({
      method: 'POST',
      url: '/api/users/login',
      payload: { user: { email: user.email, password: user.password } },
    });
    const otherToken: string = login.json().user.token;
    const logout = await first.inject({
      method: 'POST',
      url: '/api/users/logout',
      headers: tokenHeader(user.token),
    });
    expect(logout.statusCode).toBe(204);
    for (const app of [first, second]) {
      expectError(await app.inject({ url: '/api/user', headers: tokenHeader(user.token) }), 401, {
        token: ['is invalid'],
      });
    }
    expect((await first.inject({ url: '/api/user', headers: tokenHeader(otherToken) })).statusCode).toBe(200);
  });

  it('When logout is called without a token, then it is a 401 like every authenticated route', async () => {
    expectError(await first.inject({ method: 'POST', url: '/api/users/logout' }), 401, {
      token: ['is missing'],
    });
  });
});

describe('sessions while Redis is down', () => {
  let redis: PrivateRedis;
  let app: FastifyInstance;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    app = await buildRedisTestApp({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await app.close();
    await redis.dispose();
  });

  it('When Redis stops, then token requests get 503 (not 500, not 401), anonymous reads still work, and all recovers when Redis is back', async () => {
    const author = await registerUser(app);
    const article = await createArticle(app, author.token);
    await redis.stop();

    for (const request of [
      { url: '/api/user' },
      { url: `/api/articles/${article.slug}` },
      { url: '/api/articles/feed' },
    ]) {
      const response = await app.inject({ ...request, headers: tokenHeader(author.token) });
      expectError(response, 503, unavailable);
      expect(response.headers['retry-after']).toBe('1');
    }
    const login = await app.inject({
      method: 'POST',
      url: '/api/users/login',
      payload: { user: { email: author.email, password: author.password } },
    });
    expectError(login, 503, unavailable);

    const anonymous = await app.inject({ url: `/api/articles/${article.slug}` });
    expect(anonymous.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/articles?limit=1' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/tags' })).statusCode).toBe(200);

    await redis.start();
    // The restarted Redis is empty (no persistence in tests): the old token is gone, logging in works again.
    await expect
      .poll(
        async () => (await app.inject({ url: '/api/user', headers: tokenHeader(author.token) })).statusCode,
        {
          timeout: 5_000,
        },
      )
      .toBe(401);
    const again = await app.inject({
      method: 'POST',
      url: '/api/users/login',
      payload: { user: { email: author.email, password: author.password } },
    });
    expect(again.statusCode).toBe(200);
    const me = await app.inject({ url: '/api/user', headers: tokenHeader(again.json().user.token) });
    expect(me.statusCode).toBe(200);
  });

  it('When Redis hangs, then a token request gets 503 after the command timeout instead of waiting forever', async () => {
    await expect.poll(() => app.redis.status, { timeout: 5_000 }).toBe('ready');
    const user = await registerUser(app);
    redis.freeze();
    try {
      expectError(await app.inject({ url: '/api/user', headers: tokenHeader(user.token) }), 503, unavailable);
    } finally {
      redis.thaw();
    }
    expect((await app.inject({ url: '/api/user', headers: tokenHeader(user.token) })).statusCode).toBe(200);
  });
});
