import { loadPlan } from '@scaling/stack';
import {
  type Answer,
  ask,
  asUser,
  expectOfficialSuitePasses,
  type PublishedArticle,
  publish,
  registerUser,
} from '@scaling/testing';
import { describe, expect, it } from 'vitest';
import { useStage4 } from './support/booted-stage.ts';

const stage = useStage4();

type ArticleAnswer = Answer<{ article: PublishedArticle & { favorited: boolean; favoritesCount: number } }>;

const readArticle = (slug: string, headers: Record<string, string> = {}): Promise<ArticleAnswer> =>
  ask(stage.apiUrl(), `/articles/${slug}`, { headers });

const editBody = (slug: string, token: string, body: string) =>
  ask(stage.apiUrl(), `/articles/${slug}`, {
    method: 'PUT',
    headers: asUser(token),
    body: { article: { body } },
  });

/** The toxics toxiproxy holds on the proxy between the edge and the origin, from its API (natively 18474). */
async function edgeToxics(): Promise<{ type: string; stream: string; attributes: { latency: number } }[]> {
  const toxiproxy = loadPlan(4).services.find((service) => service.name === 'toxiproxy');
  const api = toxiproxy?.instances[0]?.ports.find((port) => port.container === 8474)?.host;
  if (!api) throw new Error('Stage 4 runs no toxiproxy with its API on 8474: its compose file lost it.');
  const response = await fetch(`http://127.0.0.1:${api}/proxies/origin/toxics`, {
    signal: AbortSignal.timeout(5000),
  });
  expect(response.status).toBe(200);
  return response.json() as Promise<{ type: string; stream: string; attributes: { latency: number } }[]>;
}

describe('Stage 4 booted natively: the edge in front of nginx, three replicas, two caches and two read replicas', () => {
  it('When the official RealWorld suite runs through the edge, then every request and assertion passes', async () => {
    await expectOfficialSuitePasses(stage.apiUrl());
  }, 300_000);

  it('When an anonymous reader asks for an article twice, then the edge answers the second itself with the first answer, and every answer names the edge verdict, the app cache verdict and the replica', async () => {
    const article = await publish(stage.apiUrl(), await registerUser(stage.apiUrl()));

    const first = await readArticle(article.slug);
    const second = await readArticle(article.slug);

    expect(first).toMatchObject({ status: 200, edge: 'MISS' });
    expect(first.appCache).toMatch(/^(hit|miss|bypass)$/);
    expect(first.servedBy).toMatch(/^app\.\d+$/);
    expect(first.cacheControl).toMatch(/(^|, )public(,|$)/);
    expect(first.cacheControl).toMatch(/s-maxage=\d+/);
    expect(second).toMatchObject({ status: 200, edge: 'HIT', body: first.body, etag: first.etag });
    // A copy keeps the headers of the answer it copies: the replica and the app cache verdict of the miss.
    expect(second.servedBy).toBe(first.servedBy);
  });

  it('When the author edits an article the edge holds, then the next anonymous read misses the edge and shows the edit', async () => {
    const token = await registerUser(stage.apiUrl());
    const article = await publish(stage.apiUrl(), token);
    await readArticle(article.slug);
    expect((await readArticle(article.slug)).edge).toBe('HIT');

    const edited = await editBody(article.slug, token, 'Edited while the edge held a copy.');
    expect(edited).toMatchObject({ status: 200, edge: 'PASS' });
    const after = await readArticle(article.slug);

    expect(after).toMatchObject({ status: 200, edge: 'MISS' });
    expect(after.body.article.body).toBe('Edited while the edge held a copy.');
    expect((await readArticle(article.slug)).edge).toBe('HIT');
  });

  it('When a client of the edge sends a BAN without the purge token, then the edge refuses it and keeps its copy', async () => {
    const article = await publish(stage.apiUrl(), await registerUser(stage.apiUrl()));
    await readArticle(article.slug);

    const ban = await fetch(new URL('/', stage.apiUrl()), {
      method: 'BAN',
      headers: { 'x-purge-keys': `article:${article.slug}` },
      signal: AbortSignal.timeout(5000),
    });

    expect(ban.status).toBe(403);
    expect((await readArticle(article.slug)).edge).toBe('HIT');
  });

  it('When a method the API does not have reaches the edge, then the edge answers 405 itself, with Allow, in the API error shape', async () => {
    const refused = await ask(stage.apiUrl(), '/tags', { method: 'PROPFIND' });
    const response = await fetch(`${stage.apiUrl()}/tags`, {
      method: 'PROPFIND',
      signal: AbortSignal.timeout(5000),
    });

    expect(refused).toMatchObject({ status: 405, edge: 'SYNTH', servedBy: null });
    expect(refused.body).toEqual({ errors: { method: ['is not allowed; use one of those in Allow'] } });
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST, PUT, DELETE, OPTIONS');
  });

  it('When the docs page and one of its assets are read twice, then the edge answers the second reads itself, the asset immutable for a year', async () => {
    const page = await ask<string>(stage.apiUrl(), '/docs');
    const asset = /src="[^"]*(\/static\/swagger-ui-bundle\.js\?v=[0-9a-f]+)"/.exec(page.body)?.[1];
    expect(asset).toBeDefined();

    const assetAnswers = [
      await ask(stage.apiUrl(), `/docs${asset}`),
      await ask(stage.apiUrl(), `/docs${asset}`),
    ];

    expect((await ask(stage.apiUrl(), '/docs')).edge).toBe('HIT');
    expect(assetAnswers.map((answer) => [answer.status, answer.edge])).toEqual([
      [200, 'MISS'],
      [200, 'HIT'],
    ]);
    expect(assetAnswers[0]?.cacheControl).toMatch(/max-age=31536000.*immutable/);
  });

  it('When a signed-in reader asks for an article, then the edge passes every request to the origin and the answer stays private', async () => {
    const token = await registerUser(stage.apiUrl());
    const article = await publish(stage.apiUrl(), token);

    const answers = [
      await readArticle(article.slug, asUser(token)),
      await readArticle(article.slug, asUser(token)),
    ];

    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 200, edge: 'PASS' });
      expect(answer.servedBy).toMatch(/^app\.\d+$/);
      expect(answer.cacheControl).toMatch(/^private/);
    }
  });

  it('When a client sends back the ETag it holds, then the answer is 304 without a body', async () => {
    const article = await publish(stage.apiUrl(), await registerUser(stage.apiUrl()));
    const first = await readArticle(article.slug);
    expect(first.etag).toMatch(/^"/);

    const again = await readArticle(article.slug, { 'if-none-match': first.etag as string });

    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('When a user writes and then reads, again and again, then every read through the whole stack shows their write, signed in or not', async () => {
    const token = await registerUser(stage.apiUrl());
    const article = await publish(stage.apiUrl(), token);
    const stale: string[] = [];

    for (let round = 0; round < 20; round += 1) {
      const body = `Round ${round} of writing then reading.`;
      expect((await editBody(article.slug, token, body)).status).toBe(200);
      const own = await readArticle(article.slug, asUser(token));
      const anonymous = await readArticle(article.slug);
      if (own.body.article.body !== body) stale.push(`round ${round}, own read by ${own.servedBy}`);
      if (anonymous.body.article.body !== body)
        stale.push(`round ${round}, anonymous read (${anonymous.edge})`);

      const favorite = await ask(stage.apiUrl(), `/articles/${article.slug}/favorite`, {
        method: round % 2 === 0 ? 'POST' : 'DELETE',
        headers: asUser(token),
      });
      expect(favorite.status).toBe(200);
      const flags = await readArticle(article.slug, asUser(token));
      if (flags.body.article.favorited !== (round % 2 === 0)) stale.push(`round ${round}, favorited flag`);
      if (flags.body.article.favoritesCount !== (round % 2 === 0 ? 1 : 0))
        stale.push(`round ${round}, favorites count`);
    }

    expect(stale).toEqual([]);
  }, 120_000);

  it('When the edge reaches the origin, then it crosses the added distance: toxiproxy holds a latency toxic each way', async () => {
    const toxics = await edgeToxics();

    expect(
      toxics
        .filter((toxic) => toxic.type === 'latency')
        .map((toxic) => toxic.stream)
        .sort(),
    ).toEqual(['downstream', 'upstream']);
    for (const toxic of toxics) expect(toxic.attributes.latency).toBeGreaterThan(0);
  });
});
