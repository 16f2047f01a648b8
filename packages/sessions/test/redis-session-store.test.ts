import { createHash } from 'node:crypto';
import { closeRedisClient, connectRedisClient } from '@scaling/redis';
import { type PrivateRedis, startPrivateRedis } from '@scaling/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisSessionStore, SessionStoreUnavailableError } from '../src/index.ts';

const keyOf = (token: string) => `session:${createHash('sha256').update(token).digest('base64url')}`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createRedisSessionStore on the shared test Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectRedisClient({ url: inject('redisUrl') });
  });
  afterAll(async () => {
    await closeRedisClient(redis);
  });

  it('When a session is created, then it is stored under the SHA-256 of the token, never the token, and the token resolves', async () => {
    const store = createRedisSessionStore(redis);
    const { token } = await store.create(42);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await redis.exists(`session:${token}`)).toBe(0);
    expect(await redis.get(keyOf(token))).toMatch(/^42:\d+$/);
    expect(await redis.zrange('user-sessions:42', '0', '-1')).not.toContain(token);
    expect(await store.resolve(token)).toBe(42);
  });

  it('When a token was issued by another client (another replica), then it resolves there too', async () => {
    const other = await connectRedisClient({ url: inject('redisUrl') });
    try {
      const { token } = await createRedisSessionStore(redis).create(7);
      expect(await createRedisSessionStore(other).resolve(token)).toBe(7);
    } finally {
      await closeRedisClient(other);
    }
  });

  it('When a token was never issued, then it resolves to null', async () => {
    expect(await createRedisSessionStore(redis).resolve('never-issued')).toBeNull();
  });

  it('When a session is created, then its key expires after the idle TTL', async () => {
    const { token } = await createRedisSessionStore(redis, { idleTtlSeconds: 600 }).create(3);
    const ttl = await redis.ttl(keyOf(token));
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('When a session is used, then its expiry slides forward to the full idle TTL again', async () => {
    const store = createRedisSessionStore(redis, { idleTtlSeconds: 600 });
    const { token } = await store.create(3);
    await redis.expire(keyOf(token), 5);
    expect(await store.resolve(token)).toBe(3);
    expect(await redis.ttl(keyOf(token))).toBeGreaterThan(590);
  });

  it('When a session stays unused past its idle TTL, then it no longer resolves', async () => {
    const store = createRedisSessionStore(redis, { idleTtlSeconds: 1 });
    const { token } = await store.create(9);
    await pause(1_200);
    expect(await store.resolve(token)).toBeNull();
  });

  it('When a session is used within its idle TTL but reaches its absolute lifetime, then it no longer resolves', async () => {
    const store = createRedisSessionStore(redis, { idleTtlSeconds: 600, absoluteTtlSeconds: 2 });
    const { token } = await store.create(8);
    await pause(1_000);
    expect(await store.resolve(token)).toBe(8);
    // The lookup slid the expiry forward, but never past the absolute end.
    expect(await redis.pttl(keyOf(token))).toBeLessThanOrEqual(1_000);
    await pause(1_100);
    expect(await store.resolve(token)).toBeNull();
  });

  it('When a stored session is past its absolute end (a clock ahead of it), then it does not resolve and is deleted', async () => {
    const { token } = await createRedisSessionStore(redis, { absoluteTtlSeconds: 60 }).create(6);
    const later = createRedisSessionStore(redis, { now: () => Date.now() + 61_000 });
    expect(await later.resolve(token)).toBeNull();
    expect(await redis.exists(keyOf(token))).toBe(0);
  });

  it("When the other sessions of a user are revoked, then on every replica only the kept one and other users' sessions resolve", async () => {
    const other = await connectRedisClient({ url: inject('redisUrl') });
    try {
      const userId = 1_000_000 + Math.floor(Math.random() * 1_000_000);
      const store = createRedisSessionStore(redis);
      const [kept, stolen, laptop, stranger] = [
        (await store.create(userId)).token,
        (await store.create(userId)).token,
        (await createRedisSessionStore(other).create(userId)).token,
        (await store.create(userId + 1)).token,
      ];
      await createRedisSessionStore(other).revokeOthers(userId, kept);
      expect(await store.resolve(kept)).toBe(userId);
      expect(await store.resolve(stolen)).toBeNull();
      expect(await store.resolve(laptop)).toBeNull();
      expect(await store.resolve(stranger)).toBe(userId + 1);
      expect(await redis.zcard(`user-sessions:${userId}`)).toBe(1);
    } finally {
      await closeRedisClient(other);
    }
  });

  it('When a user logs in again after earlier sessions reached their end, then the index of their sessions forgets those', async () => {
    const userId = 2_000_000 + Math.floor(Math.random() * 1_000_000);
    const shortLived = createRedisSessionStore(redis, { absoluteTtlSeconds: 1 });
    await shortLived.create(userId);
    await shortLived.create(userId);
    await pause(1_100);
    await createRedisSessionStore(redis).create(userId);
    expect(await redis.zcard(`user-sessions:${userId}`)).toBe(1);
    expect(await redis.ttl(`user-sessions:${userId}`)).toBeGreaterThan(29 * 24 * 60 * 60);
  });

  it('When a session is revoked (logout), then its token no longer resolves and other sessions survive', async () => {
    const store = createRedisSessionStore(redis);
    const { token: revoked } = await store.create(5);
    const { token: kept } = await store.create(5);
    await store.revoke(revoked);
    expect(await store.resolve(revoked)).toBeNull();
    expect(await redis.exists(keyOf(revoked))).toBe(0);
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
    const { token: before } = await store.create(11);
    await server.stop();
    await expect(store.resolve(before)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    await expect(store.create(11)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    await expect(store.revoke(before)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    await server.start();
    // The restarted server is empty (nothing persisted), so the old session is gone; new ones work.
    await expect.poll(() => store.create(11).catch(() => null), { timeout: 5_000 }).not.toBeNull();
    const { token: after } = await store.create(12);
    expect(await store.resolve(after)).toBe(12);
  });

  it('When Redis hangs without answering, then a lookup fails with SessionStoreUnavailableError after the command timeout', async () => {
    const store = createRedisSessionStore(redis);
    await expect.poll(() => redis.status, { timeout: 5_000 }).toBe('ready');
    const { token } = await store.create(13);
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
    const { token } = await store.create(14);
    await redis.del(keyOf(token));
    await redis.lpush(keyOf(token), 'not-a-user-id');
    const failure = await store.resolve(token).catch((error: unknown) => error);
    expect(failure).not.toBeInstanceOf(SessionStoreUnavailableError);
    expect((failure as Error).message).toMatch(/WRONGTYPE/);
  });
});
