import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Author,
  authorsOnEveryShard,
  buildShardedApp,
  createShardedDatabases,
  publishArticle,
  registerAuthor,
  type ShardedDatabases,
  tokenHeader,
} from './support/sharded-app.ts';

let databases: ShardedDatabases;
let app: FastifyInstance;
let authors: Author[];
/** Every article of this file, newest first, as the API must list them. */
const published: Array<{ slug: string; author: Author }> = [];
const tag = `scatter${Date.now()}`;

beforeAll(async () => {
  databases = await createShardedDatabases();
  app = await buildShardedApp(databases);
  authors = [...(await authorsOnEveryShard(app, databases, 2)).values()].flat();
  // Round-robin over the shards, so consecutive articles come from different shards.
  for (let round = 0; round < 2; round++) {
    for (const author of authors) {
      const article = await publishArticle(app, author, { tagList: [tag] });
      published.unshift({ slug: article.slug, author });
    }
  }
});

afterAll(async () => {
  await app?.close();
  await databases?.drop();
});

async function list(url: string, token?: string) {
  const response = await app.inject({
    method: 'GET',
    url,
    ...(token ? { headers: tokenHeader(token) } : {}),
  });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json() as { articles: Array<{ slug: string }>; articlesCount: number };
  return { slugs: body.articles.map((article) => article.slug), count: body.articlesCount };
}

describe('lists that cross shards', () => {
  it('When the tag filter asks every shard page by page, then the pages are one newest-first list with the count summed', async () => {
    const pages = [];
    for (let offset = 0; offset < published.length; offset += 5) {
      pages.push(await list(`/api/articles?tag=${tag}&limit=5&offset=${offset}`));
    }

    expect(pages.flatMap((page) => page.slugs)).toEqual(published.map((article) => article.slug));
    expect(pages.map((page) => page.count)).toEqual(pages.map(() => published.length));
  });

  it('When the feed is read, then it holds the followed authors’ articles from their shards only, newest first', async () => {
    const reader = await registerAuthor(app, databases.global);
    const followed = [authors[0], authors.at(-1)] as Author[];
    for (const author of followed) {
      await app.inject({
        method: 'POST',
        url: `/api/profiles/${author.username}/follow`,
        headers: tokenHeader(reader.token),
      });
    }

    const feed = await list('/api/articles/feed?limit=20', reader.token);

    const expected = published
      .filter((article) => followed.includes(article.author))
      .map((article) => article.slug);
    expect(feed).toEqual({ slugs: expected, count: expected.length });
  });

  it('When the list is filtered by author or by a reader’s favorites, then only that author’s shard, or the favorited articles, answer', async () => {
    const reader = await registerAuthor(app, databases.global);
    const favorites = published.filter((_, index) => index % 3 === 0);
    for (const { slug } of favorites) {
      await app.inject({
        method: 'POST',
        url: `/api/articles/${slug}/favorite`,
        headers: tokenHeader(reader.token),
      });
    }
    const author = authors[1] as Author;

    const byAuthor = await list(`/api/articles?author=${author.username}`);
    const favorited = await list(`/api/articles?favorited=${reader.username}&limit=50`);

    const authored = published.filter((article) => article.author === author).map((article) => article.slug);
    expect(byAuthor).toEqual({ slugs: authored, count: authored.length });
    expect(favorited).toEqual({ slugs: favorites.map((article) => article.slug), count: favorites.length });
  });

  it('When tags are listed, then every shard’s tags appear once', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/tags' });

    const tags = response.json().tags as string[];
    expect(tags.filter((name) => name === tag)).toEqual([tag]);
  });
});
