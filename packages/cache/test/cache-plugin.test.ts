import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetricsRegistry } from '@scaling/metrics';
import { promtoolProblems, sampleSum } from '@scaling/metrics/testing';
import Fastify from 'fastify';
import { describe, expect, inject, it } from 'vitest';
import { cachePlugin } from '../src/index.ts';
import { buildArticle, recordingLoader } from './fixtures.ts';

describe('cachePlugin', () => {
  it('When the app is ready, then app.cache reads through the cache Redis and reports metrics promtool accepts into the registry given', async () => {
    const registry = createMetricsRegistry();
    const app = Fastify({ logger: false });
    await app.register(cachePlugin, { url: inject('redisUrl'), timeoutMs: 50, metrics: registry });
    await app.ready();
    try {
      const article = buildArticle();
      const loader = recordingLoader(() => article);

      await app.cache.read(`article:${article.slug}`, { ttlSeconds: 60, load: loader.load });
      const cached = await app.cache.read(`article:${article.slug}`, { ttlSeconds: 60, load: loader.load });

      expect(cached).toEqual(article);
      expect(loader.calls).toHaveLength(1);
      const text = await registry.metrics();
      expect(sampleSum(text, 'cache_requests_total', { result: 'hit' })).toBe(1);
      expect(await promtoolProblems(text)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('When the cache Redis is unreachable at boot, then the app starts and reads go to the loader', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'cache-plugin-'));
    const app = Fastify({ logger: false });
    try {
      await app.register(cachePlugin, { url: join(directory, 'nobody-listens.sock'), timeoutMs: 50 });
      await app.ready();
      const article = buildArticle();

      expect(await app.cache.read('article:any', { ttlSeconds: 60, load: async () => article })).toEqual(
        article,
      );
    } finally {
      await app.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
