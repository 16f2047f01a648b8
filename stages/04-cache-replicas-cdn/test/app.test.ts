import { readFileSync } from 'node:fs';
import { createDrainSwitch } from '@scaling/app-kit';
import { loadPlan } from '@scaling/stack';
import { buildArticle, buildUser, testAppEnvironment } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const required = {
  DATABASE_URL: 'postgres://conduit_app:secret@pgbouncer:6432/conduit',
  REDIS_URL: 'redis://:secret@redis:6379',
  IDEMPOTENCY_SECRET: 'test-idempotency-secret-of-32-characters',
};

/** The app replica's environment as the native plan gives it, with a variant applied. */
const planned = (variant?: string) =>
  loadPlan(4, variant ? { variant } : {}).services.find((service) => service.name === 'app')?.env ?? {};

describe('stage 4 configuration', () => {
  it('When the stage settings are left unset, then the app runs as stage 3 did: no replicas, no cache, no edge purges, reads of its own writes on', () => {
    expect(loadConfig(required)).toMatchObject({
      DATABASE_REPLICA_URLS: [],
      CACHE_REDIS_URL: '',
      EDGE_PURGE_URLS: [],
      READ_YOUR_WRITES: 'on',
      REPLICA_MAX_LAG_SECONDS: 2,
      REPLICA_POLL_INTERVAL_MS: 100,
      CACHE_TIMEOUT_MS: 50,
    });
  });

  it('When the compose file configures the replicas, then each reads its two replicas, the cache Redis and the edge', () => {
    const config = loadConfig(planned());

    expect(config.DATABASE_REPLICA_URLS).toHaveLength(2);
    expect(new Set(config.DATABASE_REPLICA_URLS.map((url) => new URL(url).port)).size).toBe(2);
    expect(config.CACHE_REDIS_URL).not.toBe('');
    expect(new URL(config.CACHE_REDIS_URL).port).not.toBe(new URL(config.REDIS_URL).port);
    expect(config.EDGE_PURGE_URLS).toHaveLength(1);
    expect(config.EDGE_PURGE_TOKEN).not.toBe('');
  });

  it.each([
    ['no-cache', { CACHE_REDIS_URL: '' }],
    ['no-replicas', { DATABASE_REPLICA_URLS: [] }],
    ['no-read-your-writes', { READ_YOUR_WRITES: 'off' }],
  ])('When the %s variant is applied, then only that idea is switched off', (variant, off) => {
    const base = loadConfig(planned());
    const config = loadConfig(planned(variant));

    expect(config).toEqual({ ...base, ...off });
  });

  it("When nginx.conf sets its keepalive_timeout, then the app's default keep-alive timeout is longer", () => {
    const nginxConf = readFileSync(new URL('../config/nginx.conf', import.meta.url), 'utf8');
    const nginxTimeoutsMs = [...nginxConf.matchAll(/^\s*keepalive_timeout\s+(\d+)s;/gm)].map(
      (match) => Number(match[1]) * 1000,
    );
    expect(nginxTimeoutsMs.length).toBeGreaterThan(0);
    expect(loadConfig(required).KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(Math.max(...nginxTimeoutsMs));
  });

  it('When a replica or an edge URL is of the wrong kind, then the configuration error names both settings', () => {
    expect(() =>
      loadConfig({
        ...required,
        DATABASE_REPLICA_URLS: 'redis://replica-1:6379',
        EDGE_PURGE_URLS: 'varnish:8080',
      }),
    ).toThrow(/DATABASE_REPLICA_URLS.*EDGE_PURGE_URLS/);
  });
});

/** Stage 4's app on the test Postgres and Redis, listening nowhere, with `overrides` of its environment. */
function buildTestApp(overrides: Record<string, string> = {}): Promise<FastifyInstance> {
  return buildApp(
    loadConfig(
      testAppEnvironment({
        // Another database of the same server: the cache's keys stay apart from the sessions'.
        CACHE_REDIS_URL: `${inject('redisUrl')}/1`,
        IDEMPOTENCY_SECRET: required.IDEMPOTENCY_SECRET,
        ...overrides,
      }),
    ),
    createDrainSwitch(),
  );
}

/** A new article by a new user, through the API; its slug. */
async function publishIn(app: FastifyInstance): Promise<string> {
  const registered = await app.inject({ method: 'POST', url: '/api/users', payload: { user: buildUser() } });
  const { token } = registered.json<{ user: { token: string } }>().user;
  const created = await app.inject({
    method: 'POST',
    url: '/api/articles',
    headers: { authorization: `Token ${token}` },
    payload: { article: buildArticle() },
  });
  return created.json<{ article: { slug: string } }>().article.slug;
}

describe('stage 4 app on the test Postgres and Redis, without replicas or an edge', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await buildTestApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('When an article is read twice anonymously, then the first read misses the cache and the second hits it, both public for the edge with surrogate keys', async () => {
    const slug = await publishIn(app);

    const first = await app.inject({ method: 'GET', url: `/api/articles/${slug}` });
    const second = await app.inject({ method: 'GET', url: `/api/articles/${slug}` });

    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['miss', 'hit']);
    expect(second.body).toBe(first.body);
    expect(first.headers['cache-control']).toMatch(/^public, .*s-maxage=\d+/);
    expect(String(first.headers['surrogate-key']).split(' ')).toContain(`article:${slug}`);
    expect(first.headers['x-served-by']).toBe('app.test');
  });

  it('When /api/health is asked with no replica configured, then it answers ok with an empty replica list', async () => {
    const health = await app.inject({ method: 'GET', url: '/api/health' });

    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', replicas: [] });
  });
});

describe('stage 4 app without its cache (CACHE_REDIS_URL empty, the no-cache variant)', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await buildTestApp({ CACHE_REDIS_URL: '' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('When an article is read twice, then both reads come from the database: no answer says X-Cache, the edge may still keep them', async () => {
    const slug = await publishIn(app);

    const reads = [
      await app.inject({ method: 'GET', url: `/api/articles/${slug}` }),
      await app.inject({ method: 'GET', url: `/api/articles/${slug}` }),
    ];

    for (const read of reads) {
      expect(read.statusCode).toBe(200);
      expect(read.headers['x-cache']).toBeUndefined();
      expect(read.headers['cache-control']).toMatch(/^public, /);
    }
  });
});
