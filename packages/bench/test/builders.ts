import type { Fixtures, ResolvedRequest } from '../src/mix.ts';
import type { RequestOutcome } from '../src/open-load.ts';

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
