import { closeRedisClient, connectRedisClient } from '@scaling/redis';
import { uniqueSuffix } from '@scaling/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWriteLsnStore } from '../src/index.ts';

const buildUserId = () => `user-${uniqueSuffix()}`;

describe('createWriteLsnStore on the shared test Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectRedisClient({ url: inject('redisUrl') });
  });
  afterAll(async () => {
    await closeRedisClient(redis);
  });

  it('When a user has never written, then their last write is null', async () => {
    expect(await createWriteLsnStore(redis, { ttlSeconds: 60 }).lastWrite(buildUserId())).toBeNull();
  });

  it('When a user writes, then their last write is that position, kept under their id', async () => {
    const store = createWriteLsnStore(redis, { ttlSeconds: 60 });
    const userId = buildUserId();
    await store.remember(userId, '0/16B3748');
    expect(await store.lastWrite(userId)).toBe('0/16B3748');
    expect(await createWriteLsnStore(redis, { ttlSeconds: 60 }).lastWrite(buildUserId())).toBeNull();
  });

  it('When an earlier position arrives after a later one, then the later one stays, comparing as numbers', async () => {
    const store = createWriteLsnStore(redis, { ttlSeconds: 60 });
    const userId = buildUserId();
    await store.remember(userId, '10/0');
    await store.remember(userId, '9/FFFFFFFF');
    await store.remember(userId, 'F/FFFFFFFF');
    expect(await store.lastWrite(userId)).toBe('10/0');
    await store.remember(userId, '10/1');
    expect(await store.lastWrite(userId)).toBe('10/1');
  });

  it('When app replicas remember one user’s writes in any order at once, then the latest position wins', async () => {
    const stores = [
      createWriteLsnStore(redis, { ttlSeconds: 60 }),
      createWriteLsnStore(redis, { ttlSeconds: 60 }),
    ];
    const userId = buildUserId();
    const positions = Array.from(
      { length: 50 },
      (_, index) => `1/${(index * 0x1000).toString(16).toUpperCase()}`,
    );
    const shuffled = positions
      .map((lsn) => ({ lsn, order: Math.random() }))
      .sort((a, b) => a.order - b.order);
    await Promise.all(shuffled.map(({ lsn }, index) => stores[index % 2]?.remember(userId, lsn)));
    expect(await stores[0]?.lastWrite(userId)).toBe(positions.at(-1));
  });

  it('When a user writes, then the key expires ttlSeconds later, counted again from each write', async () => {
    const store = createWriteLsnStore(redis, { ttlSeconds: 30 });
    const userId = buildUserId();
    await store.remember(userId, '0/2000');
    await redis.expire(`write-lsn:${userId}`, 5);
    await store.remember(userId, '0/1000');
    const ttl = await redis.ttl(`write-lsn:${userId}`);
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it('When the position is not an LSN or the TTL is not whole seconds, then the store refuses, saying why', async () => {
    const store = createWriteLsnStore(redis, { ttlSeconds: 60 });
    await expect(store.remember(buildUserId(), '42')).rejects.toThrow(/"42" is not a PostgreSQL LSN/);
    expect(() => createWriteLsnStore(redis, { ttlSeconds: 0.5 })).toThrow(/whole number of seconds/);
  });
});
