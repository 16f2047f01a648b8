import type { Fixtures, ResolvedRequest } from '../src/mix.ts';
import type { RequestOutcome } from '../src/open-load.ts';
import type { ServerSeries } from '../src/server-series.ts';

/** Test data shared by the bench's tests. */
export function buildFixtures(overrides: Partial<Fixtures> = {}): Fixtures {
  return {
    tokens: ['secret'],
    slugs: ['hot'],
    usernames: ['user1'],
    tags: ['node'],
    emails: ['user1@example.com'],
    password: 'secret-password',
    ...overrides,
  };
}

export function buildRequest(overrides: Partial<ResolvedRequest> = {}): ResolvedRequest {
  return {
    name: 'get article',
    method: 'GET',
    path: '/api/articles/hot',
    headers: { accept: 'application/json' },
    body: undefined,
    ...overrides,
  };
}

export function buildOutcome(overrides: Partial<RequestOutcome> = {}): RequestOutcome {
  const request = overrides.request ?? buildRequest();
  return {
    name: request.name,
    request,
    scheduledAtMs: 0,
    sentAtMs: 0,
    latencyMs: 5,
    status: 200,
    error: undefined,
    servedBy: undefined,
    ...overrides,
  };
}

/** A declared server-side series; the default reads the per-route rate of the test target's counter. */
export function buildServerSeries(overrides: Partial<ServerSeries> = {}): ServerSeries {
  return {
    name: 'demo-rate',
    title: 'demo requests per second',
    unit: 'req/s',
    query: 'sum by (route) (rate(demo_requests_total[$range]))',
    extreme: 'highest',
    by: 'route',
    ...overrides,
  };
}
