import type { Scenario } from '@scaling/loadtests/scenarios/types';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/run-scenario.ts';
import { buildFixtures } from './builders.ts';
import { serveDuringTests } from './test-server.ts';

interface Received {
  path: string;
  authorization: string | undefined;
  body: string;
}

function buildScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: `tiny-${Math.random().toString(36).slice(2, 8)}`,
    description: 'a tiny open-model mix for tests',
    model: 'open',
    requestsPerSecond: 20,
    connections: 2,
    durationSeconds: 2,
    requests: [
      { name: 'read', weight: 3, method: 'GET', path: '/api/articles/{slug}', auth: 'none' },
      { name: 'missing', weight: 1, method: 'GET', path: '/api/missing', auth: 'none' },
      {
        name: 'write',
        weight: 1,
        method: 'POST',
        path: '/api/articles/{slug}/comments',
        auth: 'required',
        body: { comment: { body: '{text}' } },
        write: true,
      },
    ],
    ...overrides,
  } as Scenario;
}

describe('runScenario', () => {
  const received: Received[] = [];

  const server = serveDuringTests((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', authorization: request.headers.authorization, body });
      response.statusCode = request.url === '/api/missing' ? 404 : 200;
      response.setHeader('content-type', 'application/json');
      response.end('{"ok":true}');
    });
  });

  it('When an open-model scenario runs for 2 s at 20 req/s, then the counts add up with what the server saw', async () => {
    const progress: number[] = [];
    const result = await runScenario({
      baseUrl: server.baseUrl,
      scenario: buildScenario(),
      fixtures: buildFixtures({ slugs: ['hot', 'cold'] }),
      onProgress: (update) => progress.push(update.requests),
    });

    expect(result.model).toBe('open');
    expect(result.requestsPerSecondTarget).toBe(20);
    expect(result.requests).toBeGreaterThan(10);
    expect(result.requests).toBeLessThanOrEqual(received.length);
    const perRequest = Object.values(result.byRequest).reduce((sum, stats) => sum + stats.requests, 0);
    expect(perRequest).toBe(result.requests);
    expect(result.byRequest.missing?.requests).toBeGreaterThan(0);
    expect(result.non2xx).toBe(result.byRequest.missing?.non2xx);
    expect(result.non2xx).toBe(result.statusCodes[404]);
    expect(result.statusCodes[200]).toBe(result.requests - result.non2xx);
    expect(result.errors).toBe(0);
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.p99).toBeGreaterThanOrEqual(result.latencyMs.p95);
    expect(result.latencyMs.p95).toBeGreaterThanOrEqual(result.latencyMs.p50);
    expect(progress.length).toBeGreaterThanOrEqual(1);

    const writes = received.filter((request) => request.path.endsWith('/comments'));
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes) {
      expect(write.authorization).toBe('Token secret');
      expect(JSON.parse(write.body).comment.body).toEqual(expect.any(String));
    }
    expect(received.some((request) => request.path === '/api/articles/hot')).toBe(true);
  });

  it('When the run is aborted, then it stops early and still returns what it measured', async () => {
    const controller = new AbortController();
    const startedAt = Date.now();
    setTimeout(() => controller.abort(), 500);
    const result = await runScenario({
      baseUrl: server.baseUrl,
      scenario: buildScenario({ durationSeconds: 30 }),
      fixtures: buildFixtures(),
      signal: controller.signal,
    });
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(result.requests).toBeGreaterThan(0);
  });
});
