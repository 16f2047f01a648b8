import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry, metricsPlugin, unmatchedRoute } from '../src/index.ts';
import { promtoolProblems, sampleSum, scrape } from '../src/testing.ts';

/** A small app measured the way buildConduitApp measures the API: one route with a parameter, one that fails. */
async function startMeasuredApp(): Promise<{ app: FastifyInstance; apiUrl: string; metricsUrl: string }> {
  const app = Fastify();
  await app.register(metricsPlugin, {
    registry: createMetricsRegistry(),
    listen: { host: '127.0.0.1', port: 0 },
  });
  app.get('/items/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  app.get('/broken', async () => {
    throw new Error('The handler failed on purpose.');
  });
  const apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, apiUrl, metricsUrl: app.metricsUrl as string };
}

const opened: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

async function measuredApp() {
  const started = await startMeasuredApp();
  opened.push(started.app);
  return started;
}

describe('HTTP metrics', () => {
  it('When a route answers N requests, then its pattern counts N, in the counter and the histogram, never the URLs', async () => {
    const { apiUrl, metricsUrl } = await measuredApp();
    const route = { method: 'GET', route: '/items/:id', status_class: '2xx' };
    const before = await scrape(metricsUrl);

    for (const id of ['a', 'b', 'c', 'd', 'e']) await fetch(`${apiUrl}/items/${id}`);
    const after = await scrape(metricsUrl);

    expect(
      sampleSum(after, 'http_requests_total', route) - sampleSum(before, 'http_requests_total', route),
    ).toBe(5);
    expect(sampleSum(after, 'http_request_duration_seconds_count', route)).toBe(5);
    expect(sampleSum(after, 'http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(5);
    expect(after).not.toContain('/items/a');
    expect(await promtoolProblems(after)).toEqual([]);
  });

  it('When clients ask for URLs no route matches, then they count as one unmatched route with status class 4xx', async () => {
    const { apiUrl, metricsUrl } = await measuredApp();

    for (const path of ['/nothing', '/wp-admin', '/items']) await fetch(`${apiUrl}${path}`);
    const text = await scrape(metricsUrl);

    expect(sampleSum(text, 'http_requests_total', { route: unmatchedRoute, status_class: '4xx' })).toBe(3);
    expect(text).not.toContain('wp-admin');
  });

  it('When a handler fails, then the request counts as a 5xx and as a server error of its route', async () => {
    const { apiUrl, metricsUrl } = await measuredApp();

    await fetch(`${apiUrl}/broken`);
    await fetch(`${apiUrl}/items/fine`);
    const text = await scrape(metricsUrl);

    expect(sampleSum(text, 'http_requests_total', { route: '/broken', status_class: '5xx' })).toBe(1);
    expect(sampleSum(text, 'http_request_errors_total', { route: '/broken', reason: 'server_error' })).toBe(
      1,
    );
    expect(sampleSum(text, 'http_request_errors_total', { route: '/items/:id' })).toBe(0);
  });

  it('When the app serves its API, then its own port has no /metrics', async () => {
    const { apiUrl } = await measuredApp();

    const response = await fetch(`${apiUrl}/metrics`);

    expect(response.status).toBe(404);
  });

  it('When the app closes, then its metrics port closes with it', async () => {
    const { app, metricsUrl } = await startMeasuredApp();
    await scrape(metricsUrl);

    await app.close();

    await expect(fetch(metricsUrl)).rejects.toThrow();
  });
});
