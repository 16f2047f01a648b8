import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surrogateKeys } from '../src/surrogate-keys.ts';
import {
  type Author,
  buildEdgeCaching,
  buildOriginApp,
  buildPolicy,
  publish,
  registerAuthor,
} from './support/origin.ts';

const sharedArticle = 'public, max-age=0, s-maxage=120, stale-while-revalidate=15, stale-if-error=3600';
const signedIn = (author: Author) => ({ authorization: `Token ${author.token}` });

describe('edgeCachingPlugin', () => {
  let app: FastifyInstance;
  let outcome: string | undefined;

  beforeAll(async () => {
    const policy = buildPolicy();
    app = await buildOriginApp(
      buildEdgeCaching({
        routes: {
          article: buildPolicy({ sharedMaxAge: 120, staleWhileRevalidate: 15, staleIfError: 3600 }),
          articleList: policy,
          profile: policy,
          tags: policy,
        },
        cacheOutcome: () => outcome,
      }),
    );
  });
  afterAll(() => app.close());

  it('When an anonymous reader gets an article, then the edge may share it for its s-maxage, filed under the article and its author, with a strong ETag', async () => {
    const author = await registerAuthor(app);
    const { slug } = await publish(app, author);

    const response = await app.inject({ method: 'GET', url: `/api/articles/${slug}` });

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe(sharedArticle);
    expect(response.headers['surrogate-key']).toBe(
      [surrogateKeys.article(slug), surrogateKeys.author(author.username)].sort().join(' '),
    );
    expect(response.headers.etag).toMatch(/^"[\w-]{27}"$/);
    expect(response.headers.vary).toMatch(/Authorization/);
  });

  it('When an article is read under the slug it had before a new title, then the copy is filed under both slugs', async () => {
    const author = await registerAuthor(app);
    const { slug: previous } = await publish(app, author);
    const renamed = await app.inject({
      method: 'PUT',
      url: `/api/articles/${previous}`,
      headers: signedIn(author),
      payload: { article: { title: `Renamed ${previous}` } },
    });
    const { slug: current } = renamed.json().article;

    const response = await app.inject({ method: 'GET', url: `/api/articles/${previous}` });

    expect(response.statusCode).toBe(200);
    expect(String(response.headers['surrogate-key']).split(' ')).toEqual(
      expect.arrayContaining([surrogateKeys.article(previous), surrogateKeys.article(current)]),
    );
    expect(current).not.toBe(previous);
  });

  it('When a reader sends back the ETag it holds, then the answer is a 304 without a body, anonymous or signed in', async () => {
    const author = await registerAuthor(app);
    const { slug } = await publish(app, author);
    for (const headers of [{}, signedIn(author)]) {
      const first = await app.inject({ method: 'GET', url: `/api/articles/${slug}`, headers });
      const etag = String(first.headers.etag);

      const again = await app.inject({
        method: 'GET',
        url: `/api/articles/${slug}`,
        headers: { ...headers, 'if-none-match': `"other", W/${etag}` },
      });

      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
      expect(again.headers['cache-control']).toBe(first.headers['cache-control']);
    }
  });

  it('When the article changes, then its old ETag no longer matches and the new body comes back', async () => {
    const author = await registerAuthor(app);
    const { slug } = await publish(app, author);
    const before = await app.inject({ method: 'GET', url: `/api/articles/${slug}` });
    await app.inject({
      method: 'PUT',
      url: `/api/articles/${slug}`,
      headers: signedIn(author),
      payload: { article: { body: 'A new body.' } },
    });

    const after = await app.inject({
      method: 'GET',
      url: `/api/articles/${slug}`,
      headers: { 'if-none-match': String(before.headers.etag) },
    });

    expect(after.statusCode).toBe(200);
    expect(after.json().article.body).toBe('A new body.');
  });

  it('When a signed-in reader gets an article, then the answer is private, revalidated each time, and names no surrogate key', async () => {
    const author = await registerAuthor(app);
    const { slug } = await publish(app, author);

    const response = await app.inject({
      method: 'GET',
      url: `/api/articles/${slug}`,
      headers: signedIn(author),
    });

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, no-cache');
    expect(response.headers['surrogate-key']).toBeUndefined();
    expect(response.headers.etag).toBeDefined();
  });

  it('When a list filtered by a tag is read anonymously, then it is filed under every list, the tag, and each article and author it shows', async () => {
    const author = await registerAuthor(app);
    const tag = `edge tag ${author.username}`;
    const first = await publish(app, author, [tag]);
    const second = await publish(app, author, [tag]);

    const response = await app.inject({
      method: 'GET',
      url: `/api/articles?tag=${encodeURIComponent(tag)}`,
    });

    expect(response.statusCode).toBe(200);
    expect(String(response.headers['surrogate-key']).split(' ').sort()).toEqual(
      [
        surrogateKeys.articles,
        surrogateKeys.tag(tag),
        surrogateKeys.article(first.slug),
        surrogateKeys.article(second.slug),
        surrogateKeys.author(author.username),
      ].sort(),
    );
    expect(surrogateKeys.tag(tag)).toBe(`tag:edge%20tag%20${author.username}`);
  });

  it('When a list filtered by who favorited is read anonymously, then the edge may not share it: no write bans it', async () => {
    const author = await registerAuthor(app);

    const response = await app.inject({ method: 'GET', url: `/api/articles?favorited=${author.username}` });

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, no-cache');
    expect(response.headers['surrogate-key']).toBeUndefined();
  });

  it('When a profile or the tag list is read anonymously, then each is filed under its own key', async () => {
    const author = await registerAuthor(app);

    const profile = await app.inject({ method: 'GET', url: `/api/profiles/${author.username}` });
    const tags = await app.inject({ method: 'GET', url: '/api/tags' });

    expect(profile.headers['surrogate-key']).toBe(surrogateKeys.profile(author.username));
    expect(tags.headers['surrogate-key']).toBe(surrogateKeys.tags);
    expect(tags.headers['cache-control']).toMatch(/^public, /);
  });

  it('When a write or an error answers, then nothing may store it', async () => {
    const author = await registerAuthor(app);

    const write = await app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: signedIn(author),
      payload: { article: { title: 'Edge', description: 'Edge', body: 'Edge' } },
    });
    const missing = await app.inject({ method: 'GET', url: `/api/articles/missing-${author.username}` });

    expect(write.statusCode).toBe(201);
    expect(write.headers['cache-control']).toBe('private, no-store');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['cache-control']).toBe('private, no-store');
    expect(missing.headers['surrogate-key']).toBeUndefined();
  });

  it("When the app's cache says what it did, then X-Cache carries it; when no cache was read, there is no X-Cache", async () => {
    outcome = 'hit';
    const hit = await app.inject({ method: 'GET', url: '/api/tags' });
    outcome = undefined;
    const none = await app.inject({ method: 'GET', url: '/api/tags' });

    expect(hit.headers['x-cache']).toBe('hit');
    expect(none.headers['x-cache']).toBeUndefined();
  });

  it('When the docs page is read, then it names each asset by its content hash, and only an asset asked for by its current hash is immutable', async () => {
    const page = await app.inject({ method: 'GET', url: '/api/docs' });
    const bundle = /src="([^"]*\/static\/swagger-ui-bundle\.js)\?v=([0-9a-f]{16})"/.exec(page.body);

    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toMatch(/^public, max-age=0, s-maxage=\d+/);
    expect(bundle).not.toBeNull();
    const [, path, version] = bundle ?? [];
    const current = await app.inject({ method: 'GET', url: `${path}?v=${version}` });
    const unversioned = await app.inject({ method: 'GET', url: `${path}` });
    const outdated = await app.inject({ method: 'GET', url: `${path}?v=0000000000000000` });

    expect(current.statusCode).toBe(200);
    expect(current.headers['cache-control']).toBe('public, max-age=31536000, s-maxage=31536000, immutable');
    expect(unversioned.headers['cache-control']).toMatch(/^public, max-age=0, s-maxage=/);
    expect(outdated.headers['cache-control']).toMatch(/^public, max-age=0, s-maxage=/);
  });

  it('When the OpenAPI document is read, then it is shared like the docs page', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/openapi.json' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toMatch(/^public, max-age=0, s-maxage=\d+/);
    expect(response.headers.etag).toBeDefined();
  });
});
