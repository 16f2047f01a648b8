import { connect } from 'node:net';
import { createMetricsRegistry } from '@scaling/metrics';
import { sampleSum } from '@scaling/metrics/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surrogateKeys } from '../src/surrogate-keys.ts';
import { createVarnishPurger } from '../src/varnish-purger.ts';
import {
  type Author,
  buildEdgeCaching,
  buildOriginApp,
  buildPolicy,
  publish,
  registerAuthor,
} from './support/origin.ts';
import { type ChildVarnish, startChildVarnish } from './support/varnish.ts';

interface EdgeAnswer {
  status: number;
  edge: string | null;
  servedBy: string | null;
  body: string;
}

async function get(
  edge: ChildVarnish,
  path: string,
  headers: Record<string, string> = {},
): Promise<EdgeAnswer> {
  const response = await fetch(`${edge.url}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
  return {
    status: response.status,
    edge: response.headers.get('x-edge-cache'),
    servedBy: response.headers.get('x-served-by'),
    body: await response.text(),
  };
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('The origin has no port.');
  return address.port;
}

/** One raw request whose PROXY protocol header says it comes from `clientAddress`; resolves to its status line. */
function requestAs(port: number, clientAddress: string, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 5_000 });
    let answer = '';
    socket.once('connect', () =>
      socket.write(`PROXY TCP4 ${clientAddress} 127.0.0.1 40000 80\r\n${request}`),
    );
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.once('end', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.once('timeout', () => socket.destroy(new Error('No answer within 5 s.')));
    socket.once('error', reject);
  });
}

describe('the stage 4 VCL in front of the app', () => {
  let origin: FastifyInstance;
  let edge: ChildVarnish;

  beforeAll(async () => {
    origin = await buildOriginApp(buildEdgeCaching());
    edge = await startChildVarnish({ host: '127.0.0.1', port: await listen(origin) });
  });
  afterAll(async () => {
    await edge?.stop();
    await origin?.close();
  });

  it('When an anonymous reader gets an article twice, then the origin answers the first (MISS) and the edge the second (HIT), with the same body', async () => {
    const author = await registerAuthor(origin);
    const { slug } = await publish(origin, author);

    const first = await get(edge, `/api/articles/${slug}`);
    const second = await get(edge, `/api/articles/${slug}`);

    expect(first).toMatchObject({ status: 200, edge: 'MISS', servedBy: 'origin-1' });
    expect(second).toMatchObject({ status: 200, edge: 'HIT', servedBy: 'origin-1', body: first.body });
  });

  it('When two anonymous readers ask for the same list page with its query in another order, then the edge keeps one copy for both', async () => {
    const author = await registerAuthor(origin);
    await publish(origin, author);

    const first = await get(edge, `/api/articles?author=${author.username}&limit=5`);
    const reordered = await get(edge, `/api/articles?limit=5&author=${author.username}`);

    expect(first.edge).toBe('MISS');
    expect(reordered).toMatchObject({ status: 200, edge: 'HIT', body: first.body });
  });

  it('When an anonymous reader asks with HEAD after a GET, then the edge answers from the same copy', async () => {
    const author = await registerAuthor(origin);
    const { slug } = await publish(origin, author);
    await get(edge, `/api/articles/${slug}`);

    const head = await fetch(`${edge.url}/api/articles/${slug}`, {
      method: 'HEAD',
      signal: AbortSignal.timeout(5_000),
    });

    expect(head.status).toBe(200);
    expect(head.headers.get('x-edge-cache')).toBe('HIT');
  });

  it('When a reader sends a token, then every request passes to the origin and is never stored', async () => {
    const author = await registerAuthor(origin);
    const { slug } = await publish(origin, author);
    const token = { authorization: `Token ${author.token}` };

    const answers = [
      await get(edge, `/api/articles/${slug}`, token),
      await get(edge, `/api/articles/${slug}`, token),
    ];
    const anonymous = await get(edge, `/api/articles/${slug}`);

    expect(answers.map(({ status, edge }) => [status, edge])).toEqual([
      [200, 'PASS'],
      [200, 'PASS'],
    ]);
    expect(anonymous.edge).toBe('MISS');
  });

  it('When the app bans a surrogate key, then exactly the copies filed under it are fetched again', async () => {
    const [banned, kept] = [await registerAuthor(origin), await registerAuthor(origin)];
    const bannedArticle = await publish(origin, banned);
    const keptArticle = await publish(origin, kept);
    const paths = {
      bannedArticle: `/api/articles/${bannedArticle.slug}`,
      bannedList: `/api/articles?author=${banned.username}`,
      keptArticle: `/api/articles/${keptArticle.slug}`,
      keptList: `/api/articles?author=${kept.username}`,
      keptProfile: `/api/profiles/${banned.username}`,
    };
    for (const path of Object.values(paths)) {
      await get(edge, path);
      expect((await get(edge, path)).edge, path).toBe('HIT');
    }

    await createVarnishPurger({ urls: [edge.url], timeoutMs: 2_000 }).purge([
      surrogateKeys.article(bannedArticle.slug),
    ]);

    const after = Object.fromEntries(
      await Promise.all(
        Object.entries(paths).map(async ([name, path]) => [name, (await get(edge, path)).edge]),
      ),
    );
    expect(after).toEqual({
      bannedArticle: 'MISS',
      bannedList: 'MISS',
      keptArticle: 'HIT',
      keptList: 'HIT',
      keptProfile: 'HIT',
    });
  });

  it('When the purger bans again after a delay, then a copy refilled between the two bans (from a replica that lagged) is dropped too', async () => {
    const author = await registerAuthor(origin);
    const { slug } = await publish(origin, author);
    await get(edge, `/api/articles/${slug}`);

    await createVarnishPurger({ urls: [edge.url], timeoutMs: 2_000, rebanAfterMs: 1_000 }).purge([
      surrogateKeys.article(slug),
    ]);
    const refilled = [await get(edge, `/api/articles/${slug}`), await get(edge, `/api/articles/${slug}`)];
    await new Promise((wake) => setTimeout(wake, 1_500));
    const afterSecondBan = await get(edge, `/api/articles/${slug}`);

    expect(refilled.map(({ edge }) => edge)).toEqual(['MISS', 'HIT']);
    expect(afterSecondBan.edge).toBe('MISS');
  });

  it('When a write names more keys than one header may carry, then the purger bans them in batches and each batch reaches the edge', async () => {
    const author = await registerAuthor(origin);
    const { slug } = await publish(origin, author);
    await get(edge, `/api/articles/${slug}`);
    const registry = createMetricsRegistry();
    const unrelated = Array.from({ length: 400 }, (_, index) =>
      surrogateKeys.tag(`unrelated ${index} ${slug}`),
    );

    await createVarnishPurger({ urls: [edge.url], timeoutMs: 2_000, metrics: registry }).purge([
      ...unrelated,
      surrogateKeys.article(slug),
    ]);

    const text = await registry.metrics();
    expect(sampleSum(text, 'edge_purge_requests_total', { result: 'ok' })).toBeGreaterThan(1);
    expect(sampleSum(text, 'edge_purge_requests_total', { result: 'failed' })).toBe(0);
    expect((await get(edge, `/api/articles/${slug}`)).edge).toBe('MISS');
  });

  it('When a BAN or PURGE comes from an address outside the purge ACL, then the edge refuses it with 403 and keeps its copies', async () => {
    const author: Author = await registerAuthor(origin);
    const { slug } = await publish(origin, author);
    await get(edge, `/api/articles/${slug}`);
    const ban = `BAN / HTTP/1.1\r\nHost: edge\r\nX-Purge-Keys: ${surrogateKeys.article(slug)}\r\nConnection: close\r\n\r\n`;
    const purge = `PURGE /api/articles/${slug} HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n`;

    const outside = [
      await requestAs(edge.proxyProtocolPort, '203.0.113.7', ban),
      await requestAs(edge.proxyProtocolPort, '203.0.113.7', purge),
    ];
    const inside = await requestAs(edge.proxyProtocolPort, '10.1.2.3', ban);

    expect(outside.map((line) => line.split(' ')[1])).toEqual(['403', '403']);
    expect(inside.split(' ')[1]).toBe('200');
  });

  it('When a request declares a body over 1 MiB or has a URL over 2048 characters, then the edge refuses it itself (413, 414)', async () => {
    const body = await fetch(`${edge.url}/api/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(1024 * 1024 + 1),
      signal: AbortSignal.timeout(5_000),
    });
    const url = await fetch(`${edge.url}/api/tags?pad=${'x'.repeat(2048)}`, {
      signal: AbortSignal.timeout(5_000),
    });

    expect([body.status, body.headers.get('x-edge-cache')]).toEqual([413, 'SYNTH']);
    expect([url.status, url.headers.get('x-edge-cache')]).toEqual([414, 'SYNTH']);
  });

  it('When a request uses a method the API does not have, then the edge answers 405 without asking the origin', async () => {
    const response = await fetch(`${edge.url}/api/tags`, {
      method: 'PROPFIND',
      signal: AbortSignal.timeout(5_000),
    });

    expect(response.status).toBe(405);
  });
});

describe('the stage 4 VCL when copies go stale', () => {
  let origin: FastifyInstance;
  let edge: ChildVarnish;

  beforeAll(async () => {
    origin = await buildOriginApp(
      buildEdgeCaching({
        routes: {
          // Expired after a second; then no stale-while-revalidate, but a minute of stale-if-error.
          article: buildPolicy({ sharedMaxAge: 1, staleWhileRevalidate: 0, staleIfError: 60 }),
          // Expired after a second; then served stale for a minute while refreshed in the background.
          profile: buildPolicy({ sharedMaxAge: 1, staleWhileRevalidate: 60, staleIfError: 60 }),
        },
      }),
    );
    edge = await startChildVarnish({ host: '127.0.0.1', port: await listen(origin) });
  });
  afterAll(async () => {
    await edge?.stop();
    await origin?.close();
  });

  const pastSharedMaxAge = () => new Promise((wake) => setTimeout(wake, 1_500));

  it('When a copy is past its s-maxage but within stale-while-revalidate, then the edge serves it at once (STALE)', async () => {
    const author = await registerAuthor(origin);
    await get(edge, `/api/profiles/${author.username}`);
    await pastSharedMaxAge();

    const stale = await get(edge, `/api/profiles/${author.username}`);

    expect(stale).toMatchObject({ status: 200, edge: 'STALE' });
  });

  it('When a copy is past s-maxage and stale-while-revalidate while the origin is up, then the edge fetches a fresh one', async () => {
    const author = await registerAuthor(origin);
    const { slug } = await publish(origin, author);
    await get(edge, `/api/articles/${slug}`);
    await pastSharedMaxAge();

    const refetched = await get(edge, `/api/articles/${slug}`);

    expect(refetched).toMatchObject({ status: 200, edge: 'MISS' });
  });

  it('When the origin is down, then a copy within stale-if-error is served (STALE) instead of an error', async () => {
    const author = await registerAuthor(origin);
    const { slug } = await publish(origin, author);
    const fresh = await get(edge, `/api/articles/${slug}`);
    await pastSharedMaxAge();

    await origin.close();
    const stale = await get(edge, `/api/articles/${slug}`);

    expect(stale).toMatchObject({ status: 200, edge: 'STALE', body: fresh.body });
  });

  it('When the origin is down and the edge holds no copy, then the reader gets a 503 that says to retry', async () => {
    await origin.close();

    const response = await fetch(`${edge.url}/api/profiles/nobody-cached-this`, {
      signal: AbortSignal.timeout(10_000),
    });

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.text()).toMatch(/try again in a few seconds/);
  });
});
