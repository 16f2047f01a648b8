import { createMetricsRegistry } from '@scaling/metrics';
import { promtoolProblems, sampleSum, scrape } from '@scaling/metrics/testing';
import { redisPlugin } from '@scaling/redis';
import { createRedisSessionStore } from '@scaling/sessions';
import { buildArticle, buildUser } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildConduitApp } from '../src/index.ts';

/** The API as stage 3 wires it: one registry, handed to the app (HTTP, pool) and to the Redis client it adds. */
async function startMeasuredApi(): Promise<{ app: FastifyInstance; apiUrl: string; metricsUrl: string }> {
  const metrics = createMetricsRegistry();
  const app = await buildConduitApp({
    logLevel: 'silent',
    database: { connectionString: inject('databaseUrl'), max: 4 },
    metrics: { registry: metrics, listen: { host: '127.0.0.1', port: 0 } },
    clients: async (app) => {
      await app.register(redisPlugin, { url: inject('redisUrl'), metrics });
    },
    conduit: (app) => ({ sessions: createRedisSessionStore(app.redis) }),
  });
  const apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, apiUrl, metricsUrl: app.metricsUrl as string };
}

async function send<Body = unknown>(
  url: string,
  init: { method?: string; token?: string; body?: object } = {},
): Promise<{ status: number; body: Body }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Token ${init.token}` } : {}),
    },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as Body };
}

let api: Awaited<ReturnType<typeof startMeasuredApi>>;
beforeAll(async () => {
  api = await startMeasuredApi();
});
afterAll(() => api.app.close());

describe('The API and its metrics', () => {
  it('When an article is read N times, then its route pattern counts N more 2xx requests in the scrape', async () => {
    const user = await send<{ user: { token: string } }>(`${api.apiUrl}/api/users`, {
      method: 'POST',
      body: { user: buildUser() },
    });
    const token = user.body.user.token;
    const created = await send<{ article: { slug: string } }>(`${api.apiUrl}/api/articles`, {
      method: 'POST',
      token,
      body: { article: buildArticle() },
    });
    const readRoute = { method: 'GET', route: '/api/articles/:slug', status_class: '2xx' };
    const before = await scrape(api.metricsUrl);

    for (let read = 0; read < 7; read += 1)
      await send(`${api.apiUrl}/api/articles/${created.body.article.slug}`);
    const after = await scrape(api.metricsUrl);

    const grew = (name: string) => sampleSum(after, name, readRoute) - sampleSum(before, name, readRoute);
    expect(grew('http_requests_total')).toBe(7);
    expect(grew('http_request_duration_seconds_count')).toBe(7);
    expect(after).not.toContain(created.body.article.slug);
    expect(await promtoolProblems(after)).toEqual([]);
  });

  it('When the API is scraped, then the same registry holds its pool, its Redis commands and the process', async () => {
    const user = await send<{ user: { token: string } }>(`${api.apiUrl}/api/users`, {
      method: 'POST',
      body: { user: buildUser() },
    });
    const token = user.body.user.token;
    const before = await scrape(api.metricsUrl);

    await send(`${api.apiUrl}/api/user`, { token });
    const after = await scrape(api.metricsUrl);

    expect(sampleSum(after, 'pg_pool_max_clients', { pool: 'primary' })).toBe(4);
    expect(sampleSum(after, 'pg_pool_clients', { pool: 'primary' })).toBeGreaterThan(0);
    const redisCommands = (text: string) => sampleSum(text, 'redis_command_duration_seconds_count');
    expect(redisCommands(after)).toBeGreaterThan(redisCommands(before));
    expect(sampleSum(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('When /metrics is asked on the API port, then it is not there', async () => {
    const response = await fetch(`${api.apiUrl}/metrics`);

    expect(response.status).toBe(404);
  });
});
