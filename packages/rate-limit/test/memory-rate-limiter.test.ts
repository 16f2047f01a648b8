import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter, type RateLimit } from '../src/index.ts';

const buildRule = (overrides: Partial<RateLimit> = {}): RateLimit => ({
  name: 'login:address',
  limit: 3,
  windowSeconds: 60,
  ...overrides,
});

describe('createMemoryRateLimiter', () => {
  it('When a subject makes as many attempts as the limit, then all pass and the next is refused with the wait until one more would', async () => {
    const limiter = createMemoryRateLimiter({ now: () => 1_000_000 });
    const rule = buildRule();
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await limiter.take(rule, '203.0.113.7')).toEqual({ allowed: true });
    }
    expect(await limiter.take(rule, '203.0.113.7')).toEqual({ allowed: false, retryAfterSeconds: 20 });
  });

  it('When one interval (window / limit) has passed, then exactly one more attempt passes', async () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimiter({ now: () => now });
    const rule = buildRule();
    for (let attempt = 0; attempt < 3; attempt++) await limiter.take(rule, 'a');
    now += 20_000;
    expect(await limiter.take(rule, 'a')).toEqual({ allowed: true });
    expect(await limiter.take(rule, 'a')).toEqual({ allowed: false, retryAfterSeconds: 20 });
  });

  it('When refused attempts keep coming, then they are not counted and do not push the wait further', async () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimiter({ now: () => now });
    const rule = buildRule();
    for (let attempt = 0; attempt < 3; attempt++) await limiter.take(rule, 'a');
    for (let attempt = 0; attempt < 50; attempt++)
      expect((await limiter.take(rule, 'a')).allowed).toBe(false);
    now += 20_000;
    expect(await limiter.take(rule, 'a')).toEqual({ allowed: true });
  });

  it('When two subjects, or two rules for one subject, are counted, then each has its own count', async () => {
    const limiter = createMemoryRateLimiter({ now: () => 1_000_000 });
    const rule = buildRule({ limit: 1 });
    expect((await limiter.take(rule, 'a')).allowed).toBe(true);
    expect((await limiter.take(rule, 'b')).allowed).toBe(true);
    expect((await limiter.take({ ...rule, name: 'login:account' }, 'a')).allowed).toBe(true);
    expect((await limiter.take(rule, 'a')).allowed).toBe(false);
  });

  it('When more subjects than the bound attempt, then the least recently let through is forgotten and gets a fresh burst', async () => {
    const limiter = createMemoryRateLimiter({ maxSubjects: 2, now: () => 1_000_000 });
    const rule = buildRule({ limit: 1 });
    await limiter.take(rule, 'first');
    await limiter.take(rule, 'second');
    expect((await limiter.take(rule, 'second')).allowed).toBe(false);
    await limiter.take(rule, 'third');
    expect((await limiter.take(rule, 'first')).allowed).toBe(true);
    expect((await limiter.take(rule, 'third')).allowed).toBe(false);
  });
});
