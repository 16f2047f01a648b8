import { sampleSum } from '@scaling/metrics/testing';
import { uniqueSuffix } from '@scaling/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildArticle, recordingLoader, sleep, startTestCache, type TestCache } from './fixtures.ts';

let subject: TestCache;

beforeEach(async () => {
  subject = await startTestCache();
});

afterEach(async () => {
  await subject.close();
});

const keyOf = (slug: string) => `article:${slug}`;

describe('CacheAside reads', () => {
  it('When a key is read twice, then the first read loads and stores it, and the second is a hit that does not load', async () => {
    const article = buildArticle();
    const loader = recordingLoader(() => article);

    const first = await subject.cache.read(keyOf(article.slug), { ttlSeconds: 60, load: loader.load });
    const second = await subject.cache.read(keyOf(article.slug), { ttlSeconds: 60, load: loader.load });

    expect(first).toEqual(article);
    expect(second).toEqual(article);
    expect(loader.calls).toEqual([null]);
    const text = await subject.registry.metrics();
    expect(sampleSum(text, 'cache_requests_total', { result: 'miss' })).toBe(1);
    expect(sampleSum(text, 'cache_requests_total', { result: 'hit' })).toBe(1);
    expect(sampleSum(text, 'cache_fills_total', { result: 'stored' })).toBe(1);
  });

  it('When a value is stored, then its Redis entry expires after the TTL given', async () => {
    const article = buildArticle();

    await subject.cache.read(keyOf(article.slug), { ttlSeconds: 30, load: async () => article });

    const ttl = await subject.redis.ttl(subject.entryKey(keyOf(article.slug)));
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it('When the TTL has passed, then the next read loads the value again', async () => {
    const article = buildArticle();
    const loader = recordingLoader(() => article);
    const read = () => subject.cache.read(keyOf(article.slug), { ttlSeconds: 1, load: loader.load });

    await read();
    await sleep(1_100);
    await read();

    expect(loader.calls).toHaveLength(2);
  });

  it('When the loader finds nothing, then the read answers null and stores nothing', async () => {
    const loader = recordingLoader(() => null);
    const key = keyOf(`missing-${uniqueSuffix()}`);

    expect(await subject.cache.read(key, { ttlSeconds: 60, load: loader.load })).toBeNull();
    expect(await subject.cache.read(key, { ttlSeconds: 60, load: loader.load })).toBeNull();

    expect(loader.calls).toHaveLength(2);
    expect(await subject.redis.exists(subject.entryKey(key))).toBe(0);
  });

  it('When a read asks for a TTL that is not a whole number of seconds, then it fails before touching the cache', async () => {
    const loader = recordingLoader(() => buildArticle());

    await expect(subject.cache.read('article:any', { ttlSeconds: 0.5, load: loader.load })).rejects.toThrow(
      /whole number of seconds/,
    );
    expect(subject.storeGets()).toBe(0);
  });

  it('When a caller changes the value it got, then other readers of the key still get the stored one', async () => {
    const article = buildArticle({ favoritesCount: 3 });
    const read = () => subject.cache.read(keyOf(article.slug), { ttlSeconds: 60, load: async () => article });

    const [first, second] = await Promise.all([read(), read()]);
    if (first) first.favoritesCount = 99;

    expect(second?.favoritesCount).toBe(3);
    expect((await read())?.favoritesCount).toBe(3);
  });
});

describe('CacheAside invalidation', () => {
  it('When a key is invalidated after a commit, then the next read loads at least that LSN and is cached again', async () => {
    const article = buildArticle();
    const loader = recordingLoader(() => article);
    const read = (minLsn: string | null = null) =>
      subject.cache.read(keyOf(article.slug), { ttlSeconds: 60, minLsn, load: loader.load });
    await read();

    await subject.cache.invalidate({ keys: [keyOf(article.slug)], scopes: [] }, '0/3000060');
    await read('0/1000000');
    await read();

    expect(loader.calls).toEqual([null, '0/3000060']);
  });

  it("When the reader's own LSN is later than the tombstone's, then the load gets the reader's", async () => {
    const article = buildArticle();
    const loader = recordingLoader(() => article);
    await subject.cache.invalidate({ keys: [keyOf(article.slug)], scopes: [] }, '9/FF000000');

    await subject.cache.read(keyOf(article.slug), { ttlSeconds: 60, minLsn: '10/0', load: loader.load });

    expect(loader.calls).toEqual(['10/0']);
  });

  it('When an invalidation is given something other than an LSN, then it fails and the key keeps its value', async () => {
    const article = buildArticle();
    const loader = recordingLoader(() => article);
    await subject.cache.read(keyOf(article.slug), { ttlSeconds: 60, load: loader.load });

    await expect(
      subject.cache.invalidate({ keys: [keyOf(article.slug)], scopes: [] }, 'latest'),
    ).rejects.toThrow(/not a PostgreSQL LSN/);
    await subject.cache.read(keyOf(article.slug), { ttlSeconds: 60, load: loader.load });

    expect(loader.calls).toHaveLength(1);
  });

  it('When two invalidations of a key arrive out of order, then its tombstone keeps the later LSN', async () => {
    const key = keyOf(buildArticle().slug);
    const loader = recordingLoader(() => buildArticle());

    await subject.cache.invalidate({ keys: [key], scopes: [] }, '10/0');
    await subject.cache.invalidate({ keys: [key], scopes: [] }, '9/FFFFFFFF');
    await subject.cache.read(key, { ttlSeconds: 60, load: loader.load });

    expect(loader.calls).toEqual(['10/0']);
  });

  it('When a write invalidates a key while its value loads, then the loaded value is not stored', async () => {
    const key = keyOf(buildArticle().slug);
    let release = () => {};
    const loading = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowRead = subject.cache.read(key, {
      ttlSeconds: 60,
      load: async () => {
        await loading;
        return buildArticle({ title: 'before the write' });
      },
    });

    await subject.cache.invalidate({ keys: [key], scopes: [] }, '0/5000000');
    release();
    await slowRead;
    const loader = recordingLoader(() => buildArticle({ title: 'after the write' }));
    const next = await subject.cache.read(key, { ttlSeconds: 60, load: loader.load });

    expect(next?.title).toBe('after the write');
    expect(loader.calls).toEqual(['0/5000000']);
    expect(sampleSum(await subject.registry.metrics(), 'cache_fills_total', { result: 'superseded' })).toBe(
      1,
    );
  });
});

describe('CacheAside scope versions', () => {
  it('When a scope has never changed, then its version is null', async () => {
    expect(await subject.cache.versions([`tag:${uniqueSuffix()}`, 'articles'])).toEqual([null, null]);
  });

  it('When changes are recorded out of order, then each scope keeps its latest LSN, compared as a number', async () => {
    const tag = `tag:${uniqueSuffix()}`;

    await subject.cache.invalidate({ keys: [], scopes: ['articles', tag] }, '10/0');
    await subject.cache.invalidate({ keys: [], scopes: ['articles', tag] }, '9/FFFFFFFF');
    await subject.cache.invalidate({ keys: [], scopes: [tag] }, 'A/1');

    expect(await subject.cache.versions(['articles', tag])).toEqual(['10/0', '10/0']);
    await subject.cache.invalidate({ keys: [], scopes: [tag] }, '10/1');
    expect(await subject.cache.versions(['articles', tag])).toEqual(['10/0', '10/1']);
  });

  it('When no scopes are asked for, then the answer is an empty list', async () => {
    expect(await subject.cache.versions([])).toEqual([]);
  });
});

describe('CacheAside stampede protection', () => {
  it('When many reads of a cold key arrive at once, then one of them loads and all get the value', async () => {
    const article = buildArticle();
    const loader = recordingLoader(() => article, 50);

    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        subject.cache.read(keyOf(article.slug), { ttlSeconds: 60, load: loader.load }),
      ),
    );

    expect(loader.calls).toHaveLength(1);
    expect(answers.every((answer) => answer?.slug === article.slug)).toBe(true);
    expect(sampleSum(await subject.registry.metrics(), 'cache_coalesced_reads_total')).toBe(49);
  });

  it('When reads need different freshness, then each freshness loads on its own', async () => {
    const article = buildArticle();
    const loader = recordingLoader(() => article, 50);
    const read = (minLsn: string | null) =>
      subject.cache.read(keyOf(article.slug), { ttlSeconds: 60, minLsn, load: loader.load });

    await Promise.all([read(null), read(null), read('0/1'), read('0/1')]);

    expect([...loader.calls].sort()).toEqual(['0/1', null].sort());
  });

  it('When an entry is read in the last part of its TTL, then it is answered from the cache and reloaded once in the background', async () => {
    const refreshing = await startTestCache({ refreshFraction: 0.5 });
    try {
      let title = 'first';
      const article = buildArticle();
      const loader = recordingLoader(() => ({ ...article, title }));
      const read = () => refreshing.cache.read(keyOf(article.slug), { ttlSeconds: 2, load: loader.load });
      await read();
      title = 'refreshed';

      await sleep(1_100);
      const duringRefresh = await Promise.all([read(), read(), read()]);
      await expect.poll(() => loader.calls.length).toBe(2);
      await expect.poll(async () => (await read())?.title).toBe('refreshed');

      expect(duringRefresh.map((answer) => answer?.title)).toEqual(['first', 'first', 'first']);
      expect(await refreshing.redis.pttl(refreshing.entryKey(keyOf(article.slug)))).toBeGreaterThan(1_000);
      const text = await refreshing.registry.metrics();
      expect(sampleSum(text, 'cache_load_duration_seconds_count', { trigger: 'refresh' })).toBe(1);
      expect(sampleSum(text, 'cache_requests_total', { result: 'miss' })).toBe(1);
    } finally {
      await refreshing.close();
    }
  });
});
