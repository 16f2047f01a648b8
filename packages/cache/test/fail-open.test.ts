import { sampleSum } from '@scaling/metrics/testing';
import { type PrivateRedis, startPrivateRedis } from '@scaling/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildArticle, collectingLog, recordingLoader, sleep, startTestCache } from './fixtures.ts';

let redis: PrivateRedis;

beforeEach(async () => {
  redis = await startPrivateRedis();
});

afterEach(async () => {
  await redis.dispose();
});

const metric = async (registry: { metrics(): Promise<string> }, name: string, labels = {}) =>
  sampleSum(await registry.metrics(), name, labels);

describe('CacheAside when the cache Redis fails', () => {
  it('When the cache Redis stops, then reads answer from the loader, the breaker opens after the threshold and reads stop calling Redis until it is back', async () => {
    const log = collectingLog();
    const subject = await startTestCache({
      url: redis.url,
      log,
      breaker: { failureThreshold: 3, cooldownMs: 300 },
    });
    try {
      const article = buildArticle();
      const loader = recordingLoader(() => article);
      const read = () => subject.cache.read(`article:${article.slug}`, { ttlSeconds: 60, load: loader.load });
      await read();

      await redis.stop();
      const getsBefore = subject.storeGets();
      const answers = [];
      for (let attempt = 0; attempt < 6; attempt += 1) answers.push(await read());

      expect(answers).toEqual(Array(6).fill(article));
      expect(subject.storeGets() - getsBefore).toBe(3);
      expect(await metric(subject.registry, 'cache_requests_total', { result: 'bypass' })).toBe(6);
      expect(await metric(subject.registry, 'cache_breaker_open')).toBe(1);
      expect(log.lines.map((line) => line.level)).toEqual(['warn']);

      await redis.start();
      await expect
        .poll(
          async () => {
            await read();
            return metric(subject.registry, 'cache_requests_total', { result: 'hit' });
          },
          { timeout: 5_000, interval: 100 },
        )
        .toBe(1);
      expect(await metric(subject.registry, 'cache_breaker_open')).toBe(0);
      expect(log.lines.at(-1)?.level).toBe('info');
    } finally {
      await subject.close();
    }
  });

  it('When the cache Redis hangs, then a read goes to the loader once the cache timeout passes, long before the command would time out', async () => {
    const subject = await startTestCache({ url: redis.url, timeoutMs: 50, commandTimeoutMs: 5_000 });
    try {
      const article = buildArticle();
      const loader = recordingLoader(() => article);

      redis.freeze();
      const started = performance.now();
      const answer = await subject.cache.read(`article:${article.slug}`, {
        ttlSeconds: 60,
        load: loader.load,
      });
      const waitedMs = performance.now() - started;

      expect(answer).toEqual(article);
      expect(waitedMs).toBeLessThan(1_000);
      expect(
        await metric(subject.registry, 'cache_store_errors_total', { operation: 'get', reason: 'timeout' }),
      ).toBe(1);
      expect(await metric(subject.registry, 'cache_requests_total', { result: 'bypass' })).toBe(1);
    } finally {
      redis.thaw();
      await subject.close();
    }
  });

  it('When the event loop is busy past the cache timeout while Redis has already answered, then the read is still a hit', async () => {
    const subject = await startTestCache({ url: redis.url, timeoutMs: 50 });
    try {
      const article = buildArticle();
      const read = () =>
        subject.cache.read(`article:${article.slug}`, { ttlSeconds: 60, load: async () => article });
      await read();

      const pending = read();
      const busyUntil = performance.now() + 150;
      while (performance.now() < busyUntil) {
        // Synchronous work, as a request parsing a large body would do: the timer is due when the loop is free.
      }

      expect(await pending).toEqual(article);
      expect(await metric(subject.registry, 'cache_requests_total', { result: 'hit' })).toBe(1);
      expect(await metric(subject.registry, 'cache_store_errors_total')).toBe(0);
    } finally {
      await subject.close();
    }
  });

  it('When the cache Redis is down during a write, then invalidate resolves, logs what may be stale and counts the failure', async () => {
    const log = collectingLog();
    const subject = await startTestCache({ url: redis.url, log });
    try {
      await redis.stop();

      await subject.cache.invalidate({ keys: ['article:gone'], scopes: ['articles'] }, '0/1000000');

      expect(log.lines).toEqual([{ level: 'warn', message: expect.stringMatching(/stale until their TTL/) }]);
      expect(await metric(subject.registry, 'cache_store_errors_total', { operation: 'tombstone' })).toBe(1);
      expect(
        await metric(subject.registry, 'cache_store_errors_total', { operation: 'raise_versions' }),
      ).toBe(1);
    } finally {
      await subject.close();
    }
  });

  it('When the cache Redis is down, then versions answers undefined so the caller bypasses the cache', async () => {
    const subject = await startTestCache({ url: redis.url });
    try {
      await redis.stop();

      expect(await subject.cache.versions(['articles'])).toBeUndefined();
    } finally {
      await subject.close();
    }
  });

  it('When the loader fails, then its error reaches the caller, not a cache outcome', async () => {
    const subject = await startTestCache({ url: redis.url });
    try {
      const failing = async () => {
        throw new Error('the database is down');
      };

      await expect(subject.cache.read('article:any', { ttlSeconds: 60, load: failing })).rejects.toThrow(
        'the database is down',
      );
      await sleep(0);
      expect(await metric(subject.registry, 'cache_requests_total')).toBe(0);
    } finally {
      await subject.close();
    }
  });
});
