import {
  type PrivateRedis,
  type Standby,
  startPrivateRedis,
  startStandby,
  uniqueSuffix,
} from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './support/api.ts';
import { buildReadPathApp, ownPort } from './support/read-path-app.ts';

let standby: Standby;
let cacheRedis: PrivateRedis;
let app: FastifyInstance;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  [standby, cacheRedis] = await Promise.all([startStandby({ port: ownPort(5) }), startPrivateRedis()]);
  app = await buildReadPathApp({ standby, cacheUrl: cacheRedis.url });
  api = apiClient(app);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await Promise.all([standby?.dispose(), cacheRedis?.dispose()]);
});

afterEach(async () => {
  cacheRedis.thaw();
  await cacheRedis.start().catch(() => undefined);
});

describe('the read path when the cache Redis fails', () => {
  it('When the cache Redis is stopped, then writes and the reads after them answer correctly', async () => {
    const [author, fan] = await Promise.all([api.register(), api.register()]);
    const tag = `tag${uniqueSuffix()}`;
    const { slug } = await api.publish(author, { tagList: [tag] });
    await Promise.all([api.article(slug), api.list(`tag=${tag}`), api.call('GET', '/api/tags')]);
    await standby.catchUp();
    await cacheRedis.stop();

    const favorite = await api.call('POST', `/api/articles/${slug}/favorite`, fan);
    const [byFan, listByFan] = await Promise.all([api.article(slug, fan), api.list(`tag=${tag}`, fan)]);
    const edit = await api.call('PUT', `/api/articles/${slug}`, author, {
      article: { body: 'Edited, cache down' },
    });
    const [byAuthor, tags, profile] = await Promise.all([
      api.article(slug, author),
      api.call('GET', '/api/tags'),
      api.call('GET', `/api/profiles/${author.username}`, fan),
    ]);

    expect({
      statuses: [favorite.status, edit.status, byFan.status, listByFan.status, tags.status, profile.status],
      byFan: [byFan.body.article.favorited, byFan.body.article.favoritesCount],
      listByFan: [listByFan.body.articles[0].slug, listByFan.body.articles[0].favorited],
      byAuthor: [byAuthor.body.article.body, byAuthor.body.article.favoritesCount],
      tagListed: tags.body.tags.includes(tag),
    }).toEqual({
      statuses: [200, 200, 200, 200, 200, 200],
      byFan: [true, 1],
      listByFan: [slug, true],
      byAuthor: ['Edited, cache down', 1],
      tagListed: true,
    });
  });

  it("When the cache Redis hangs, then a write and its author's read after it answer correctly from the database", async () => {
    const author = await api.register();
    const { slug } = await api.publish(author);
    await api.article(slug);
    cacheRedis.freeze();

    const edit = await api.call('PUT', `/api/articles/${slug}`, author, {
      article: { body: 'Edited, cache hung' },
    });
    const byAuthor = await api.article(slug, author);

    expect([edit.status, byAuthor.status, byAuthor.body.article.body]).toEqual([
      200,
      200,
      'Edited, cache hung',
    ]);
  });
});
