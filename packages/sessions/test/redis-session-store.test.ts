import { closeRedisClient, connectRedisClient } from '@scaling/redis';
import { type PrivateRedis, startPrivateRedis } from '@scaling/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisSessionStore, SessionStoreUnavailableError } from '../src/index.ts';

describe('createRedisSessionStore on the shared test Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectRedisClient({ url: inject('redisUrl') });
  });
  afterAll(async () => {
    await closeRedisClient(redis);
  });

  it('When a session is created, then session:<token> holds the user id and the token resolves to it', async () => {
    const store = createRedisSessionStore(redis);
    const token = await store.create(42);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await redis.get(`session:${token}`)).toBe('42');
    expect(await store.resolve(token)).toBe(42);
  });

  it('When a token was issued by another client (another replica), then it resolves there too', async () => {
    const other = await connectRedisClient({ url: inject('redisUrl') });
    try {
      const token = await createRedisSessionStore(redis).create(7);
      expect(await createRedisSessionStore(other).resolve(token)).toBe(7);
    } finally {
      await closeRedisClient(other);
    }
  });

  it('When a token was never issued, then it resolves to null', async () => {
    expect(await createRedisSessionStore(redis).resolve('never-issued')).toBeNull();
  });

  it('When a session is created, then its key expires after the idle TTL', async () => {
    const token = await createRedisSessionStore(redis, { idleTtlSeconds: 600 }).create(3);
    const ttl = await redis.ttl(`session:${token}`);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('When a session is used, then its expiry slides forward to the full idle TTL again', async () => {
    const store = createRedisSessionStore(redis, { idleTtlSeconds: 600 });
    const token = await store.create(3);
    await redis.expire(`session:${token}`, 5);
    expect(await store.resolve(token)).toBe(3);
    expect(await redis.ttl(`session:${token}`)).toBeGreaterThan(590);
  });

  it('When a session stays unused past its idle TTL, then it no longer resolves', async () => {
    const store = createRedisSessionStore(redis, { idleTtlSeconds: 1 });
    const token = await store.create(9);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await store.resolve(token)).toBeNull();
  });

  it('When a session is revoked (logout), then its token no longer resolves and other sessions survive', async () => {
    const store = createRedisSessionStore(redis);
    const revoked = await store.create(5);
    const kept = await store.create(5);
    await store.revoke(revoked);
    expect(await store.resolve(revoked)).toBeNull();
    expect(await redis.exists(`session:${revoked}`)).toBe(0);
    expect(await store.resolve(kept)).toBe(5);
  });
});

describe('createRedisSessionStore while its Redis is down', () => {
  let server: PrivateRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = await connectRedisClient({ url: server.url, commandTimeoutMs: 200 });
  });
  afterAll(async () => {
    await closeRedisClient(redis);
    await server.dispose();
  });

  it('When Redis is stopped, then every operation fails with SessionStoreUnavailableError, and all work again once it is back', async () => {
    const store = createRedisSessionStore(redis);
    const before = await store.create(11);
    await server.stop();
    await expect(store.resolve(before)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    await expect(store.create(11)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    await expect(store.revoke(before)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    await server.start();
    // The restarted server is empty (nothing persisted), so the old session is gone; new ones work.
    await expect.poll(() => store.create(11).catch(() => null), { timeout: 5_000 }).not.toBeNull();
    const after = await store.create(12);
    expect(await store.resolve(after)).toBe(12);
  });

  it('When Redis hangs without answering, then a lookup fails with SessionStoreUnavailableError after the command timeout', async () => {
    const store = createRedisSessionStore(redis);
    await expect.poll(() => redis.status, { timeout: 5_000 }).toBe('ready');
    const token = await store.create(13);
    server.freeze();
    try {
      const failure = await store.resolve(token).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SessionStoreUnavailableError);
      expect((failure as Error).cause).toMatchObject({ message: expect.stringMatching(/timed out/i) });
    } finally {
      server.thaw();
    }
    expect(await store.resolve(token)).toBe(13);
  });

  it('When Redis rejects a command as wrong, then the error is not mistaken for an outage', async () => {
    await expect.poll(() => redis.status, { timeout: 5_000 }).toBe('ready');
    const store = createRedisSessionStore(redis);
    const token = await store.create(14);
    await redis.del(`session:${token}`);
    await redis.lpush(`session:${token}`, 'not-a-user-id');
    const failure = await store.resolve(token).catch((error: unknown) => error);
    expect(failure).not.toBeInstanceOf(SessionStoreUnavailableError);
    expect((failure as Error).message).toMatch(/WRONGTYPE/);
  });
});
