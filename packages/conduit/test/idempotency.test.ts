import { createRedisIdempotencyStore, requestFingerprint } from '@scaling/idempotency';
import { closeRedisClient, connectRedisClient } from '@scaling/redis';

type Redis = Awaited<ReturnType<typeof connectRedisClient>>;

import { buildArticle, buildComment, buildUser, startPrivateRedis, uniqueSuffix } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { idempotencyMessages } from '../src/http/idempotency.ts';
import { buildRedisTestApp, idempotencySecret } from './support/redis-test-app.ts';
import {
  buildTestApp,
  connectionLost,
  createArticle,
  expectError,
  registerUser,
  tokenHeader,
} from './support/test-app.ts';

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

  const userIdOf = (username: string) =>
    app.pg
      .query<{ id: string }>('SELECT id FROM users WHERE username = $1', [username])
      .then(({ rows }) => rows[0]?.id);

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
    await createRedisIdempotencyStore(app.redis, { secret: idempotencySecret }).claim(
      { owner: `user:${await userIdOf(author.username)}`, method: 'POST', path: '/api/articles', key },
      requestFingerprint({ article }, idempotencySecret),
    );
    expectError(await postArticle(author.token, key, article), 409, {
      'Idempotency-Key': [idempotencyMessages.inFlight],
    });
    expect(await articleCount(author.username)).toBe(0);
  });

  it('When the first request with a key never answered (its replica died), then a retry gets 409 saying the outcome is unknown', async () => {
    const author = await registerUser(app);
    const key = newKey();
    const article = buildArticle();
    const longAgo = () => Date.now() - 10 * 60_000;
    await createRedisIdempotencyStore(app.redis, { secret: idempotencySecret, now: longAgo }).claim(
      { owner: `user:${await userIdOf(author.username)}`, method: 'POST', path: '/api/articles', key },
      requestFingerprint({ article }, idempotencySecret),
    );
    expectError(await postArticle(author.token, key, article), 409, {
      'Idempotency-Key': [idempotencyMessages.interrupted],
    });
    expect(await articleCount(author.username)).toBe(0);
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

  it('When a registration or a login carries a key, then it is refused with 422 before it runs, and no answer with a token is stored', async () => {
    const registered = await registerUser(app);
    const newcomer = buildUser();
    const key = newKey();
    const keyed = [
      { url: '/api/users', payload: { user: newcomer } },
      {
        url: '/api/users/login',
        payload: { user: { email: registered.email, password: registered.password } },
      },
    ];
    for (const request of keyed) {
      const response = await app.inject({ method: 'POST', headers: { 'idempotency-key': key }, ...request });
      expectError(response, 422, { 'Idempotency-Key': [idempotencyMessages.refused] });
    }
    const created = await app.pg.query('SELECT 1 FROM users WHERE username = $1', [newcomer.username]);
    expect(created.rowCount).toBe(0);
    expect(await app.redis.keys(`idempotency:anonymous:POST:*:${key}`)).toEqual([]);
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

describe('POST with an Idempotency-Key when the database drops mid-request', () => {
  let redis: Redis;
  let app: FastifyInstance;
  /** The read that follows a write fails once, as a connection dropped right after COMMIT would. */
  const failures = { articleReadAfterCommit: 0, articleLookup: 0 };
  beforeAll(async () => {
    redis = await connectRedisClient({ url: inject('redisUrl') });
    app = await buildTestApp({
      idempotency: createRedisIdempotencyStore(redis, { secret: idempotencySecret, maxBodyBytes: 1024 }),
      repositories: (real) => ({
        ...real,
        articles: {
          ...real.articles,
          findById: (...args) => {
            if (failures.articleReadAfterCommit-- > 0) return Promise.reject(connectionLost());
            return real.articles.findById(...args);
          },
          findOwnership: (...args) => {
            if (failures.articleLookup-- > 0) return Promise.reject(connectionLost());
            return real.articles.findOwnership(...args);
          },
        },
      }),
    });
  });
  afterAll(async () => {
    await app.close();
    await closeRedisClient(redis);
  });

  const post = (token: string, url: string, key: string, payload: object) =>
    app.inject({ method: 'POST', url, headers: { ...tokenHeader(token), 'idempotency-key': key }, payload });
  const articleCount = async (author: string) =>
    (await app.inject({ url: `/api/articles?author=${author}` })).json().articlesCount;

  it('When the article was committed and the answer then failed with 503, then the retry with the key gets 409 and makes no second article', async () => {
    const author = await registerUser(app);
    const key = newKey();
    const article = { article: buildArticle({ body: 'Short.' }) };
    failures.articleReadAfterCommit = 1;
    expect((await post(author.token, '/api/articles', key, article)).statusCode).toBe(503);
    expect(await articleCount(author.username)).toBe(1);
    const retry = await post(author.token, '/api/articles', key, article);
    expectError(retry, 409, { 'Idempotency-Key': [idempotencyMessages.interrupted] });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await articleCount(author.username)).toBe(1);
  });

  it('When a comment failed with 503 before anything was written, then the key is freed and the retry runs once', async () => {
    const author = await registerUser(app);
    const { slug } = await createArticle(app, author.token);
    const key = newKey();
    const comment = { comment: buildComment() };
    failures.articleLookup = 1;
    expect((await post(author.token, `/api/articles/${slug}/comments`, key, comment)).statusCode).toBe(503);
    expect((await post(author.token, `/api/articles/${slug}/comments`, key, comment)).statusCode).toBe(201);
    const replay = await post(author.token, `/api/articles/${slug}/comments`, key, comment);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await app.inject({ url: `/api/articles/${slug}/comments` })).json().comments).toHaveLength(1);
  });

  it('When the answer is larger than the store keeps, then the retry gets 409 saying it took effect, and no second article exists', async () => {
    const author = await registerUser(app);
    const key = newKey();
    const article = { article: buildArticle({ body: 'x'.repeat(2_000) }) };
    expect((await post(author.token, '/api/articles', key, article)).statusCode).toBe(201);
    expectError(await post(author.token, '/api/articles', key, article), 409, {
      'Idempotency-Key': [idempotencyMessages.notKept],
    });
    expect(await articleCount(author.username)).toBe(1);
  });
});

describe('POST with an Idempotency-Key while Redis is down', () => {
  it('When the Redis holding the keys is stopped, then a keyed POST gets 503 and does not run', async () => {
    const redis = await startPrivateRedis();
    const app = await buildRedisTestApp({ redisUrl: redis.url, sessionRedisUrl: inject('redisUrl') });
    try {
      const author = await registerUser(app);
      await redis.stop();
      const response = await app.inject({
        method: 'POST',
        url: '/api/articles',
        headers: { ...tokenHeader(author.token), 'idempotency-key': newKey() },
        payload: { article: buildArticle() },
      });
      expectError(response, 503, {
        'Idempotency-Key': [
          'cannot be checked while its store is unavailable, so the request was not run; retry in a few seconds',
        ],
      });
      const created = await app.pg.query(
        'SELECT 1 FROM articles JOIN users ON users.id = articles.author_id WHERE users.username = $1',
        [author.username],
      );
      expect(created.rowCount).toBe(0);
    } finally {
      await app.close();
      await redis.dispose();
    }
  });
});
