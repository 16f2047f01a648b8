import { createHash } from 'node:crypto';
import { closeRedisClient, connectRedisClient } from '@scaling/redis';
import { startPrivateRedis, uniqueSuffix } from '@scaling/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createRedisIdempotencyStore,
  type IdempotencyScope,
  IdempotencyStoreUnavailableError,
  requestFingerprint,
  type StoredResponse,
} from '../src/index.ts';

const secret = 'test-idempotency-secret-of-32-characters';

const buildScope = (overrides: Partial<IdempotencyScope> = {}): IdempotencyScope => ({
  owner: `user:${uniqueSuffix()}`,
  method: 'POST',
  path: '/api/articles',
  key: `key-${uniqueSuffix()}`,
  ...overrides,
});

const created: StoredResponse = {
  statusCode: 201,
  contentType: 'application/json; charset=utf-8',
  body: '{"article":{"slug":"a"}}',
};

describe('createRedisIdempotencyStore', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectRedisClient({ url: inject('redisUrl') });
  });
  afterAll(async () => {
    await closeRedisClient(redis);
  });

  it('When a key is new, then the first claim wins and a second claim sees it in flight', async () => {
    const store = createRedisIdempotencyStore(redis, { secret });
    const scope = buildScope();
    expect(await store.claim(scope, 'same-body')).toEqual({ outcome: 'claimed' });
    expect(await store.claim(scope, 'same-body')).toEqual({ outcome: 'in-flight' });
  });

  it('When many replicas claim one key at the same moment, then exactly one of them may run it', async () => {
    const stores = Array.from({ length: 3 }, () => createRedisIdempotencyStore(redis, { secret }));
    const scope = buildScope();
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, index) => stores[index % 3]?.claim(scope, 'same-body')),
    );
    expect(outcomes.filter((outcome) => outcome?.outcome === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome?.outcome === 'in-flight')).toHaveLength(11);
  });

  it('When the first request completed, then a retry gets its stored response', async () => {
    const store = createRedisIdempotencyStore(redis, { secret });
    const scope = buildScope();
    await store.claim(scope, 'same-body');
    await store.complete(scope, 'same-body', created);
    expect(await store.claim(scope, 'same-body')).toEqual({ outcome: 'completed', response: created });
  });

  it('When a retry carries another body, then it is a mismatch, whether the first is running or done', async () => {
    const store = createRedisIdempotencyStore(redis, { secret });
    const scope = buildScope();
    await store.claim(scope, 'first-body');
    expect(await store.claim(scope, 'other-body')).toEqual({ outcome: 'mismatch' });
    await store.complete(scope, 'first-body', created);
    expect(await store.claim(scope, 'other-body')).toEqual({ outcome: 'mismatch' });
  });

  it('When the same key is used by another user or on another path, then it is a separate record', async () => {
    const store = createRedisIdempotencyStore(redis, { secret });
    const scope = buildScope();
    await store.claim(scope, 'same-body');
    expect(await store.claim({ ...scope, owner: 'anonymous' }, 'same-body')).toEqual({ outcome: 'claimed' });
    expect(await store.claim({ ...scope, path: '/api/users' }, 'same-body')).toEqual({ outcome: 'claimed' });
  });

  it('When the first request never answered for longer than a request can take, then the key reports it interrupted and never runs again', async () => {
    const scope = buildScope();
    await createRedisIdempotencyStore(redis, { secret }).claim(scope, 'same-body');
    const later = createRedisIdempotencyStore(redis, { secret, now: () => Date.now() + 10 * 60_000 });
    expect(await later.claim(scope, 'same-body')).toEqual({ outcome: 'interrupted' });
    expect(await later.claim(scope, 'same-body')).toEqual({ outcome: 'interrupted' });
  });

  it('When a key is released, then the next claim runs the request again', async () => {
    const store = createRedisIdempotencyStore(redis, { secret });
    const scope = buildScope();
    await store.claim(scope, 'same-body');
    await store.release(scope);
    expect(await store.claim(scope, 'same-body')).toEqual({ outcome: 'claimed' });
  });

  it('When a key is claimed or completed, then its record expires after the TTL', async () => {
    const store = createRedisIdempotencyStore(redis, { secret, ttlSeconds: 120 });
    const scope = buildScope();
    await store.claim(scope, 'same-body');
    const key = `idempotency:${scope.owner}:POST:/api/articles:${scope.key}`;
    expect(await redis.ttl(key)).toBeGreaterThan(110);
    await store.complete(scope, 'same-body', created);
    expect(await redis.ttl(key)).toBeGreaterThan(110);
  });
  it('When an owner claims more keys than its cap, then its oldest records are forgotten and it never holds more than the cap', async () => {
    const store = createRedisIdempotencyStore(redis, { secret, maxKeysPerOwner: 2 });
    const owner = `user:${uniqueSuffix()}`;
    // Keys that sort the other way round from the order they are claimed in, all claimed within a millisecond or so.
    const scopes = [3, 2, 1].map((rank) => buildScope({ owner, key: `key-${rank}-${uniqueSuffix()}` }));
    await Promise.all(scopes.map((scope) => store.claim(scope, 'body')));
    const keyOf = (scope: IdempotencyScope) => `idempotency:${owner}:POST:/api/articles:${scope.key}`;
    expect(await redis.exists(keyOf(scopes[0] as IdempotencyScope))).toBe(0);
    expect(
      await redis.exists(keyOf(scopes[1] as IdempotencyScope), keyOf(scopes[2] as IdempotencyScope)),
    ).toBe(2);
    expect(await redis.zcard(`idempotency-owner:${owner}`)).toBe(2);
    expect(await redis.ttl(`idempotency-owner:${owner}`)).toBeGreaterThan(24 * 60 * 60 - 10);
    // Other owners keep theirs.
    const other = buildScope();
    await store.claim(other, 'body');
    expect(await store.claim(other, 'body')).toEqual({ outcome: 'in-flight' });
  });

  it("When a key is released, then it leaves its owner's index too", async () => {
    const store = createRedisIdempotencyStore(redis, { secret });
    const scope = buildScope();
    await store.claim(scope, 'body');
    await store.release(scope);
    expect(await redis.zcard(`idempotency-owner:${scope.owner}`)).toBe(0);
  });

  it('When a response body is over the cap, then complete refuses to store it', async () => {
    const store = createRedisIdempotencyStore(redis, { secret, maxBodyBytes: 16 });
    const scope = buildScope();
    await store.claim(scope, 'body');
    await expect(store.complete(scope, 'body', created)).rejects.toThrow(/over the 16-byte cap/);
    expect(store.maxBodyBytes).toBe(16);
  });
});

describe('requestFingerprint', () => {
  it('When two bodies are equal, then their fingerprints are equal; when they differ, then so do the fingerprints', () => {
    expect(requestFingerprint({ article: { title: 'A' } }, secret)).toBe(
      requestFingerprint({ article: { title: 'A' } }, secret),
    );
    expect(requestFingerprint({ article: { title: 'A' } }, secret)).not.toBe(
      requestFingerprint({ article: { title: 'B' } }, secret),
    );
    expect(requestFingerprint(undefined, secret)).toBe(requestFingerprint(null, secret));
  });

  it('When a body holds a password, then its fingerprint is keyed: not the plain SHA-256 of the body, and another secret gives another', () => {
    const body = { user: { email: 'a@example.com', password: 'correct horse battery staple' } };
    const plainHash = createHash('sha256').update(JSON.stringify(body)).digest('base64url');
    expect(requestFingerprint(body, secret)).not.toBe(plainHash);
    expect(requestFingerprint(body, secret)).not.toBe(requestFingerprint(body, `${secret}-other`));
  });
});

describe('createRedisIdempotencyStore while its Redis is down', () => {
  it('When Redis is stopped, then claiming fails with IdempotencyStoreUnavailableError, and works again once it is back', async () => {
    const server = await startPrivateRedis();
    const redis = await connectRedisClient({ url: server.url, commandTimeoutMs: 200 });
    try {
      const store = createRedisIdempotencyStore(redis, { secret });
      await server.stop();
      await expect(store.claim(buildScope(), 'body')).rejects.toBeInstanceOf(
        IdempotencyStoreUnavailableError,
      );
      await server.start();
      await expect.poll(() => redis.status, { timeout: 5_000 }).toBe('ready');
      expect(await store.claim(buildScope(), 'body')).toEqual({ outcome: 'claimed' });
    } finally {
      await closeRedisClient(redis);
      await server.dispose();
    }
  });
});
