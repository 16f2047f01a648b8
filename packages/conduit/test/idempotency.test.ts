import { createRedisIdempotencyStore, requestFingerprint } from '@scaling/idempotency';
import { buildArticle, buildUser, startPrivateRedis, uniqueSuffix } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyMessages } from '../src/http/idempotency.ts';
import { buildRedisTestApp, idempotencySecret } from './support/redis-test-app.ts';
import { expectError, registerUser, tokenHeader } from './support/test-app.ts';

const newKey = () => `key-${uniqueSuffix()}`;

describe('POST with an Idempotency-Key', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildRedisTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  const postArticle = (token: string, key: string, article = buildArticle()) =>
    app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: { ...tokenHeader(token), 'idempotency-key': key },
      payload: { article },
    });

  const articleCount = async (author: string) =>
    (await app.inject({ url: `/api/articles?author=${author}` })).json().articlesCount;

  it('When the same request is retried with the same key, then the first response is replayed and only one article exists', async () => {
    const author = await registerUser(app);
    const key = newKey();
    const article = buildArticle();
    const first = await postArticle(author.token, key, article);
    const retry = await postArticle(author.token, key, article);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers['content-type']).toBe(first.headers['content-type']);
    expect(retry.body).toBe(first.body);
    expect(await articleCount(author.username)).toBe(1);
  });

  it('When the same key is reused with a different body, then it is a 422 and nothing is created', async () => {
    const author = await registerUser(app);
    const key = newKey();
    await postArticle(author.token, key);
    expectError(await postArticle(author.token, key), 422, {
      'Idempotency-Key': [idempotencyMessages.mismatch],
    });
    expect(await articleCount(author.username)).toBe(1);
  });

  it('When the first request with a key is still running (on any replica), then a duplicate gets 409 and does not run', async () => {
    const author = await registerUser(app);
    const key = newKey();
    const article = buildArticle();
    // Another replica holds the key: claim it the way its preHandler would, with the same user and body.
    const userId = await app.pg
      .query<{ id: string }>('SELECT id FROM users WHERE username = $1', [author.username])
      .then(({ rows }) => rows[0]?.id);
    await createRedisIdempotencyStore(app.redis, { secret: idempotencySecret }).claim(
      { owner: `user:${userId}`, method: 'POST', path: '/api/articles', key },
      requestFingerprint({ article }, idempotencySecret),
    );
    expectError(await postArticle(author.token, key, article), 409, {
      'Idempotency-Key': [idempotencyMessages.inFlight],
    });
    expect(await articleCount(author.username)).toBe(0);
  });

  it('When the first request with a key never answered (its replica died), then a retry gets 409 saying the outcome is unknown', async () => {
    const key = newKey();
    const user = buildUser();
    const longAgo = () => Date.now() - 10 * 60_000;
    await createRedisIdempotencyStore(app.redis, { secret: idempotencySecret, now: longAgo }).claim(
      { owner: 'anonymous', method: 'POST', path: '/api/users', key },
      requestFingerprint({ user }, idempotencySecret),
    );
    const retry = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { 'idempotency-key': key },
      payload: { user },
    });
    expectError(retry, 409, { 'Idempotency-Key': [idempotencyMessages.interrupted] });
  });

  it('When two users send the same key, then each gets their own article', async () => {
    const [first, second] = [await registerUser(app), await registerUser(app)];
    const key = newKey();
    const article = buildArticle();
    expect((await postArticle(first.token, key, article)).statusCode).toBe(201);
    const other = await postArticle(second.token, key, article);
    expect(other.statusCode).toBe(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(await articleCount(second.username)).toBe(1);
  });

  it('When the first attempt failed validation, then the key was not used and a corrected retry runs', async () => {
    const author = await registerUser(app);
    const key = newKey();
    const invalid = await app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: { ...tokenHeader(author.token), 'idempotency-key': key },
      payload: { article: { title: '' } },
    });
    expect(invalid.statusCode).toBe(422);
    expect((await postArticle(author.token, key)).statusCode).toBe(201);
  });

  it('When the first response was an error, then the retry replays that error even after the cause is gone', async () => {
    const follower = await registerUser(app);
    const missing = buildUser();
    const key = newKey();
    const follow = (idempotencyKey: string) =>
      app.inject({
        method: 'POST',
        url: `/api/profiles/${missing.username}/follow`,
        headers: { ...tokenHeader(follower.token), 'idempotency-key': idempotencyKey },
      });
    expect((await follow(key)).statusCode).toBe(404);
    await registerUser(app, missing);
    const replay = await follow(key);
    expect(replay.statusCode).toBe(404);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await follow(newKey())).statusCode).toBe(200);
  });

  it('When an anonymous registration is retried with its key, then the same user and token come back', async () => {
    const key = newKey();
    const user = buildUser();
    const register = () =>
      app.inject({
        method: 'POST',
        url: '/api/users',
        headers: { 'idempotency-key': key },
        payload: { user },
      });
    const first = await register();
    const retry = await register();
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json().user.token).toBe(first.json().user.token);
  });

  it('When the key is not a visible ASCII string of at most 255 characters, then it is a 422', async () => {
    const author = await registerUser(app);
    for (const key of ['x'.repeat(256), 'has space']) {
      expectError(await postArticle(author.token, key), 422, {
        'Idempotency-Key': [idempotencyMessages.malformed],
      });
    }
    expect(await articleCount(author.username)).toBe(0);
  });

  it('When a PUT carries the header, then it is ignored (PUT is idempotent already)', async () => {
    const author = await registerUser(app);
    const key = newKey();
    const update = (bio: string) =>
      app.inject({
        method: 'PUT',
        url: '/api/user',
        headers: { ...tokenHeader(author.token), 'idempotency-key': key },
        payload: { user: { bio } },
      });
    expect((await update('one')).json().user.bio).toBe('one');
    const second = await update('two');
    expect(second.json().user.bio).toBe('two');
    expect(second.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('POST with an Idempotency-Key while Redis is down', () => {
  it('When the request ends in a 503 (the session store was down), then the key is freed and the retry runs', async () => {
    const sessionRedis = await startPrivateRedis();
    const app = await buildRedisTestApp({ sessionRedisUrl: sessionRedis.url });
    try {
      const user = await registerUser(app);
      const key = newKey();
      const login = () =>
        app.inject({
          method: 'POST',
          url: '/api/users/login',
          headers: { 'idempotency-key': key },
          payload: { user: { email: user.email, password: user.password } },
        });
      await sessionRedis.stop();
      expect((await login()).statusCode).toBe(503);
      await sessionRedis.start();
      await expect.poll(async () => (await login()).statusCode, { timeout: 5_000 }).toBe(200);
    } finally {
      await app.close();
      await sessionRedis.dispose();
    }
  });

  it('When Redis is stopped, then the POST gets 503 and does not run; without the key the session check also says 503', async () => {
    const redis = await startPrivateRedis();
    const app = await buildRedisTestApp({ redisUrl: redis.url });
    try {
      const key = newKey();
      const user = buildUser();
      await redis.stop();
      const response = await app.inject({
        method: 'POST',
        url: '/api/users',
        headers: { 'idempotency-key': key },
        payload: { user },
      });
      expectError(response, 503, {
        'Idempotency-Key': [
          'cannot be checked while its store is unavailable, so the request was not run; retry in a few seconds',
        ],
      });
      const created = await app.pg.query('SELECT 1 FROM users WHERE username = $1', [user.username]);
      expect(created.rowCount).toBe(0);
    } finally {
      await app.close();
      await redis.dispose();
    }
  });
});
