import { closeRedisClient, connectRedisClient } from '@scaling/redis';
import { startPrivateRedis, uniqueSuffix } from '@scaling/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisRateLimiter, type RateLimit, RateLimiterUnavailableError } from '../src/index.ts';

const buildRule = (overrides: Partial<RateLimit> = {}): RateLimit => ({
  name: `test-${uniqueSuffix()}`,
  limit: 3,
  windowSeconds: 60,
  ...overrides,
});

describe('createRedisRateLimiter on the shared test Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectRedisClient({ url: inject('redisUrl') });
  });
  afterAll(async () => {
    await closeRedisClient(redis);
  });

  it('When a subject makes as many attempts as the limit, then all pass and the next is refused with the wait until one more would', async () => {
    const limiter = createRedisRateLimiter(redis);
    const rule = buildRule();
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await limiter.take(rule, 'victim@example.com')).toEqual({ allowed: true });
    }
    const refused = await limiter.take(rule, 'victim@example.com');
    expect(refused.allowed).toBe(false);
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThanOrEqual(19);
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeLessThanOrEqual(20);
  });

  it('When the counter is stored, then its key holds a hash of the subject, never the subject, and expires once the bucket is full again', async () => {
    const rule = buildRule();
    await createRedisRateLimiter(redis).take(rule, 'victim@example.com');
    const keys = await redis.keys(`rate-limit:${rule.name}:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('victim');
    const ttl = await redis.pttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(15_000);
    expect(ttl).toBeLessThanOrEqual(20_000);
  });

  it('When one interval has passed, then one more attempt passes', async () => {
    const limiter = createRedisRateLimiter(redis);
    const rule = buildRule({ limit: 2, windowSeconds: 1 });
    await limiter.take(rule, 'a');
    await limiter.take(rule, 'a');
    expect((await limiter.take(rule, 'a')).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await limiter.take(rule, 'a')).allowed).toBe(true);
  });

  it('When many replicas take from one subject at the same moment, then exactly the limit passes', async () => {
    const other = await connectRedisClient({ url: inject('redisUrl') });
    try {
      const limiters = [createRedisRateLimiter(redis), createRedisRateLimiter(other)];
      const rule = buildRule({ limit: 5 });
      const decisions = await Promise.all(
        Array.from({ length: 40 }, (_, index) => limiters[index % 2]?.take(rule, 'a')),
      );
      expect(decisions.filter((decision) => decision?.allowed)).toHaveLength(5);
    } finally {
      await closeRedisClient(other);
    }
  });

  it('When two subjects are counted under one rule, then each has its own count', async () => {
    const limiter = createRedisRateLimiter(redis);
    const rule = buildRule({ limit: 1 });
    expect((await limiter.take(rule, 'a')).allowed).toBe(true);
    expect((await limiter.take(rule, 'b')).allowed).toBe(true);
    expect((await limiter.take(rule, 'a')).allowed).toBe(false);
  });
});

describe('createRedisRateLimiter while its Redis is down', () => {
  it('When Redis is stopped, then taking fails with RateLimiterUnavailableError, and works again once it is back', async () => {
    const server = await startPrivateRedis();
    const redis = await connectRedisClient({ url: server.url, commandTimeoutMs: 200 });
    try {
      const limiter = createRedisRateLimiter(redis);
      await server.stop();
      await expect(limiter.take(buildRule(), 'a')).rejects.toBeInstanceOf(RateLimiterUnavailableError);
      await server.start();
      await expect.poll(() => redis.status, { timeout: 5_000 }).toBe('ready');
      expect(await limiter.take(buildRule(), 'a')).toEqual({ allowed: true });
    } finally {
      await closeRedisClient(redis);
      await server.dispose();
    }
  });
});
