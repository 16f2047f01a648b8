import { type PrivateRedis, type Standby, startPrivateRedis, startStandby } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './support/api.ts';
import { buildReadPathApp, ownPort, untilPolledUpToDate } from './support/read-path-app.ts';

let standby: Standby;
let cacheRedis: PrivateRedis;
/** The bench's variants: the cache without replicas, and the replicas without the cache. */
let cacheOnly: FastifyInstance;
let replicasOnly: FastifyInstance;

beforeAll(async () => {
  [standby, cacheRedis] = await Promise.all([startStandby({ port: ownPort(7) }), startPrivateRedis()]);
  [cacheOnly, replicasOnly] = await Promise.all([
    buildReadPathApp({ cacheUrl: cacheRedis.url }),
    buildReadPathApp({ standby }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([cacheOnly?.close(), replicasOnly?.close()]);
  await Promise.all([standby?.dispose(), cacheRedis?.dispose()]);
});

describe('the read path with one idea switched off', () => {
  it("When there are no replicas, then the cache is invalidated at the primary's own position and a cached article shows its edit", async () => {
    const api = apiClient(cacheOnly);
    const author = await api.register();
    const { slug } = await api.publish(author);
    await api.article(slug);

    await api.call('PUT', `/api/articles/${slug}`, author, { article: { body: 'Edited without replicas' } });
    const anonymous = await api.article(slug);

    expect(anonymous.body.article.body).toBe('Edited without replicas');
  });

  it("When there is no cache and the replica lags, then a user's favorite shows in their article and list reads, while an anonymous reader gets the replica's copy", async () => {
    const api = apiClient(replicasOnly);
    const [author, fan] = await Promise.all([api.register(), api.register()]);
    const { slug } = await api.publish(author);
    await untilPolledUpToDate(replicasOnly, standby);
    await standby.pauseReplay();

    try {
      await api.call('POST', `/api/articles/${slug}/favorite`, fan);
      const [article, list, anonymous] = await Promise.all([
        api.article(slug, fan),
        api.list(`author=${author.username}`, fan),
        api.article(slug),
      ]);

      expect({
        article: article.body.article.favorited,
        list: list.body.articles[0].favorited,
        anonymousCount: anonymous.body.article.favoritesCount,
      }).toEqual({ article: true, list: true, anonymousCount: 0 });
    } finally {
      await standby.resumeReplay();
    }
  });
});
