import { uniqueSuffix } from '@scaling/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheOutcome, trackCacheOutcome } from '../src/index.ts';
import { buildArticle, recordingLoader, startTestCache, type TestCache } from './fixtures.ts';

let subject: TestCache;
let app: FastifyInstance;
let origin: string;

/** An app wired the way a stage wires it: the recorder starts in onRequest, X-Cache is set in onSend. */
async function startApp(
  cache: TestCache['cache'],
  hookStyle: 'async' | 'callback',
): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  if (hookStyle === 'async') server.addHook('onRequest', async () => trackCacheOutcome());
  else {
    server.addHook('onRequest', (_request, _reply, done) => {
      trackCacheOutcome();
      done();
    });
  }
  server.addHook('onSend', async (_request, reply, payload) => {
    const outcome = cacheOutcome();
    if (outcome) reply.header('x-cache', outcome);
    return payload;
  });
  const article = (slug: string, delayMs: number) =>
    cache.read(`article:${slug}`, {
      ttlSeconds: 60,
      load: recordingLoader(() => buildArticle({ slug }), delayMs).load,
    });
  server.get<{ Params: { slug: string }; Querystring: { delayMs?: string } }>(
    '/articles/:slug',
    async (request) => ({ article: await article(request.params.slug, Number(request.query.delayMs ?? 0)) }),
  );
  server.post<{ Body: { slug: string } }>('/lookups', async (request) => ({
    article: await article(request.body.slug, 0),
  }));
  server.get('/health', async () => ({ ok: true }));
  await server.listen({ host: '127.0.0.1', port: 0 });
  return server;
}

function originOf(server: FastifyInstance): string {
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('The test app did not listen on TCP.');
  return `http://127.0.0.1:${address.port}`;
}

beforeAll(async () => {
  subject = await startTestCache();
  app = await startApp(subject.cache, 'async');
  origin = originOf(app);
});

afterAll(async () => {
  await app.close();
  await subject.close();
});

const xCache = async (path: string, init?: RequestInit, at = origin) =>
  (await fetch(`${at}${path}`, { ...init, signal: AbortSignal.timeout(5_000) })).headers.get('x-cache');

describe('cacheOutcome', () => {
  it('When a request reads a cold key and the next one reads it again, then onSend sees miss, then hit', async () => {
    const slug = `outcome-${uniqueSuffix()}`;

    expect(await xCache(`/articles/${slug}`)).toBe('miss');
    expect(await xCache(`/articles/${slug}`)).toBe('hit');
  });

  it('When a request reads no cache key, then there is no outcome', async () => {
    expect(await xCache('/health')).toBeNull();
  });

  it('When a request with a JSON body reads the cache, then its outcome survives the body parsing', async () => {
    const slug = `outcome-${uniqueSuffix()}`;
    const post = () =>
      xCache('/lookups', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slug }),
      });

    expect(await post()).toBe('miss');
    expect(await post()).toBe('hit');
  });

  it('When a slow miss and a hit are served at the same time, then each response carries its own outcome', async () => {
    const warm = `outcome-${uniqueSuffix()}`;
    await xCache(`/articles/${warm}`);

    const [slow, fast] = await Promise.all([
      xCache(`/articles/outcome-${uniqueSuffix()}?delayMs=200`),
      xCache(`/articles/${warm}`),
    ]);

    expect([slow, fast]).toEqual(['miss', 'hit']);
  });

  it('When the recorder starts in a callback-style onRequest hook, then onSend sees the outcome as well', async () => {
    const callbackApp = await startApp(subject.cache, 'callback');
    try {
      const slug = `outcome-${uniqueSuffix()}`;

      expect(await xCache(`/articles/${slug}`, undefined, originOf(callbackApp))).toBe('miss');
      expect(await xCache(`/articles/${slug}`, undefined, originOf(callbackApp))).toBe('hit');
    } finally {
      await callbackApp.close();
    }
  });
});
