import {
  type PrivateRedis,
  type Standby,
  startPrivateRedis,
  startStandby,
  uniqueSuffix,
} from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './support/api.ts';
import { buildReadPathApp, createRecordingEdge, ownPort } from './support/read-path-app.ts';

let standby: Standby;
let cacheRedis: PrivateRedis;
let app: FastifyInstance;
let api: ReturnType<typeof apiClient>;
const edge = createRecordingEdge();

beforeAll(async () => {
  [standby, cacheRedis] = await Promise.all([startStandby({ port: ownPort(3) }), startPrivateRedis()]);
  app = await buildReadPathApp({ standby, cacheUrl: cacheRedis.url, edge });
  api = apiClient(app);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await Promise.all([standby?.dispose(), cacheRedis?.dispose()]);
});

/** Changes a row behind the API's back: no invalidation follows, so only a cached answer still shows the old one. */
const changeBehindTheApi = (sql: string, values: unknown[]) => app.pg.query(sql, values);

const slugsOf = (body: { articles: { slug: string }[] }) => body.articles.map((article) => article.slug);

describe('the read path with a cache and a replica', () => {
  it('When the cache holds an article and its author edits it, then the author and anonymous readers see the edit at once', async () => {
    const author = await api.register();
    const { slug } = await api.publish(author);
    await api.article(slug);
    await changeBehindTheApi('UPDATE articles SET description = $2 WHERE slug = $1', [
      slug,
      'changed behind',
    ]);
    const cached = await api.article(slug, author);

    const edit = await api.call('PUT', `/api/articles/${slug}`, author, { article: { body: 'Edited body' } });
    const byAuthor = await api.article(slug, author);
    const byAnyone = await api.article(slug);

    expect(cached.body.article.description).not.toBe('changed behind');
    expect(edit.status).toBe(200);
    expect([byAuthor.body.article.body, byAnyone.body.article.body]).toEqual(['Edited body', 'Edited body']);
  });

  it('When an article is published, then the cached anonymous first pages of its lists show it', async () => {
    const author = await api.register();
    const tag = `tag${uniqueSuffix()}`;
    const first = await api.publish(author, { tagList: [tag] });
    await Promise.all([api.list(`tag=${tag}`), api.list(`author=${author.username}`), api.list('')]);

    const second = await api.publish(author, { tagList: [tag] });
    const [byTag, byAuthor, everything] = await Promise.all([
      api.list(`tag=${tag}`),
      api.list(`author=${author.username}`),
      api.list(''),
    ]);

    expect(slugsOf(byTag.body)).toEqual([second.slug, first.slug]);
    expect(slugsOf(byAuthor.body)).toEqual([second.slug, first.slug]);
    expect(byTag.body.articlesCount).toBe(2);
    expect(slugsOf(everything.body)).toContain(second.slug);
  });

  it("When a reader favorites a cached article, then its count moves in the article and its lists, and only that reader's copy says favorited", async () => {
    const [author, fan, other] = await Promise.all([api.register(), api.register(), api.register()]);
    const tag = `tag${uniqueSuffix()}`;
    const { slug } = await api.publish(author, { tagList: [tag] });
    await Promise.all([api.article(slug), api.list(`tag=${tag}`), api.article(slug, other)]);

    await api.call('POST', `/api/articles/${slug}/favorite`, fan);
    const [anonymous, byFan, byOther, listByFan, listByOther] = await Promise.all([
      api.article(slug),
      api.article(slug, fan),
      api.article(slug, other),
      api.list(`tag=${tag}`, fan),
      api.list(`tag=${tag}`, other),
    ]);

    const seen = (article: { favorited: boolean; favoritesCount: number }) => [
      article.favorited,
      article.favoritesCount,
    ];
    expect({
      anonymous: seen(anonymous.body.article),
      fan: seen(byFan.body.article),
      other: seen(byOther.body.article),
      fanList: seen(listByFan.body.articles[0]),
      otherList: seen(listByOther.body.articles[0]),
    }).toEqual({
      anonymous: [false, 1],
      fan: [true, 1],
      other: [false, 1],
      fanList: [true, 1],
      otherList: [false, 1],
    });
  });

  it('When one reader follows the author of a cached article, then only that reader sees following, in the article, the list and the profile', async () => {
    const [author, follower, other] = await Promise.all([api.register(), api.register(), api.register()]);
    const { slug } = await api.publish(author);
    await Promise.all([api.article(slug, other), api.call('GET', `/api/profiles/${author.username}`, other)]);

    await api.call('POST', `/api/profiles/${author.username}/follow`, follower);
    const following = async (viewer: typeof author) => {
      const [article, list, profile] = await Promise.all([
        api.article(slug, viewer),
        api.list(`author=${author.username}`, viewer),
        api.call('GET', `/api/profiles/${author.username}`, viewer),
      ]);
      return [
        article.body.article.author.following,
        list.body.articles[0].author.following,
        profile.body.profile.following,
      ];
    };

    expect({ follower: await following(follower), other: await following(other) }).toEqual({
      follower: [true, true, true],
      other: [false, false, false],
    });
  });

  it('When an article off the cached first page is favorited, then that page stays cached; when one on it is, the page is read again', async () => {
    const [author, fan] = await Promise.all([api.register(), api.register()]);
    const published = [];
    for (let index = 0; index < 21; index++) published.push(await api.publish(author));
    const [oldest, newest] = [published[0], published[20]] as { slug: string }[];
    await api.list(`author=${author.username}`);
    await changeBehindTheApi('UPDATE articles SET title = $2 WHERE slug = $1', [
      newest?.slug,
      'Changed behind',
    ]);

    await api.call('POST', `/api/articles/${oldest?.slug}/favorite`, fan);
    const afterOldest = await api.list(`author=${author.username}`);
    await api.call('POST', `/api/articles/${newest?.slug}/favorite`, fan);
    const afterNewest = await api.list(`author=${author.username}`);

    const top = (page: { body: { articles: { title: string; favoritesCount: number }[] } }) => {
      const [first] = page.body.articles;
      return [first?.title === 'Changed behind', first?.favoritesCount];
    };
    expect({ afterOldest: top(afterOldest), afterNewest: top(afterNewest) }).toEqual({
      afterOldest: [false, 0],
      afterNewest: [true, 1],
    });
  });

  it('When a cached article is renamed, then its old and its new slug both answer with the new title', async () => {
    const author = await api.register();
    const { slug } = await api.publish(author);
    await api.article(slug);

    const title = `Renamed ${uniqueSuffix()}`;
    const renamed = await api.call('PUT', `/api/articles/${slug}`, author, { article: { title } });
    const [byOldSlug, byNewSlug] = await Promise.all([
      api.article(slug),
      api.article(renamed.body.article.slug),
    ]);

    expect(renamed.body.article.slug).not.toBe(slug);
    expect([byOldSlug.body.article.title, byNewSlug.body.article.title]).toEqual([title, title]);
  });

  it('When an author changes their name and bio, then cached articles, lists and profiles show the new ones', async () => {
    const author = await api.register();
    const tag = `tag${uniqueSuffix()}`;
    const { slug } = await api.publish(author, { tagList: [tag] });
    await Promise.all([
      api.article(slug),
      api.list(`tag=${tag}`),
      api.call('GET', `/api/profiles/${author.username}`),
    ]);

    const username = `renamed_${uniqueSuffix()}`;
    await api.call('PUT', '/api/user', author, { user: { username, bio: 'A new bio' } });
    const [article, list, oldProfile, newProfile, oldAuthorList] = await Promise.all([
      api.article(slug),
      api.list(`tag=${tag}`),
      api.call('GET', `/api/profiles/${author.username}`),
      api.call('GET', `/api/profiles/${username}`),
      api.list(`author=${author.username}`),
    ]);

    expect({
      article: article.body.article.author,
      list: list.body.articles[0].author,
      oldProfile: oldProfile.status,
      newProfile: newProfile.body.profile,
      oldAuthorList: oldAuthorList.body.articlesCount,
    }).toEqual({
      article: { username, bio: 'A new bio', image: null, following: false },
      list: { username, bio: 'A new bio', image: null, following: false },
      oldProfile: 404,
      newProfile: { username, bio: 'A new bio', image: null, following: false },
      oldAuthorList: 0,
    });
  });

  it('When a cached article is deleted, then it answers 404 and leaves its cached lists', async () => {
    const author = await api.register();
    const tag = `tag${uniqueSuffix()}`;
    const { slug } = await api.publish(author, { tagList: [tag] });
    await Promise.all([api.article(slug), api.list(`tag=${tag}`)]);

    await api.call('DELETE', `/api/articles/${slug}`, author);
    const [article, list] = await Promise.all([api.article(slug), api.list(`tag=${tag}`)]);

    expect([article.status, list.body]).toEqual([404, { articles: [], articlesCount: 0 }]);
  });

  it('When an article brings a new tag, then the cached tag list shows it', async () => {
    const author = await api.register();
    await api.call('GET', '/api/tags');

    const tag = `tag${uniqueSuffix()}`;
    await api.publish(author, { tagList: [tag] });
    const tags = await api.call('GET', '/api/tags');

    expect(tags.body.tags).toContain(tag);
  });

  it('When articles and profiles change, then the edge is told to purge what showed them', async () => {
    const [author, fan] = await Promise.all([api.register(), api.register()]);
    const tag = `tag${uniqueSuffix()}`;
    edge.purged.length = 0;

    const { slug } = await api.publish(author, { tagList: [tag] });
    const afterPublish = edge.purged.splice(0);
    await api.call('POST', `/api/articles/${slug}/favorite`, fan);
    const afterFavorite = edge.purged.splice(0);
    await api.call('POST', `/api/profiles/${author.username}/follow`, fan);
    const afterFollow = edge.purged.splice(0);
    await api.call('PUT', '/api/user', author, { user: { bio: 'Edge bio' } });
    const afterProfile = edge.purged.splice(0);

    expect({
      afterPublish: afterPublish.flat().sort(),
      afterFavorite: afterFavorite.flat(),
      afterFollow,
      afterProfile: afterProfile.flat().sort(),
    }).toEqual({
      afterPublish: ['articles', `article:${slug}`, `tag:${tag}`, 'tags'].sort(),
      afterFavorite: [`article:${slug}`],
      afterFollow: [],
      afterProfile: [`author:${author.username}`, `profile:${author.username}`],
    });
  });
});
