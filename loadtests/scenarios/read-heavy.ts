import type { RequestTemplate, Scenario } from './types.ts';

/** What a Medium-like site sees: mostly browsing, with about one write per ten reads. */
export const readHeavyRequests: RequestTemplate[] = [
  {
    name: 'list articles',
    weight: 15,
    method: 'GET',
    path: '/api/articles?limit=20&offset={offset}',
    auth: 'optional',
  },
  {
    name: 'list by tag',
    weight: 10,
    method: 'GET',
    path: '/api/articles?tag={tag}&limit=20',
    auth: 'optional',
  },
  {
    name: 'list by author',
    weight: 8,
    method: 'GET',
    path: '/api/articles?author={username}&limit=20',
    auth: 'optional',
  },
  { name: 'feed', weight: 17, method: 'GET', path: '/api/articles/feed?limit=20', auth: 'required' },
  { name: 'get article', weight: 25, method: 'GET', path: '/api/articles/{slug}', auth: 'optional' },
  { name: 'comments', weight: 12, method: 'GET', path: '/api/articles/{slug}/comments', auth: 'optional' },
  { name: 'profile', weight: 8, method: 'GET', path: '/api/profiles/{username}', auth: 'optional' },
  { name: 'tags', weight: 5, method: 'GET', path: '/api/tags', auth: 'none' },
  {
    name: 'favorite',
    weight: 4,
    method: 'POST',
    path: '/api/articles/{slug}/favorite',
    auth: 'required',
    write: true,
  },
  {
    name: 'unfavorite',
    weight: 3,
    method: 'DELETE',
    path: '/api/articles/{slug}/favorite',
    auth: 'required',
    write: true,
  },
  {
    name: 'comment',
    weight: 3,
    method: 'POST',
    path: '/api/articles/{slug}/comments',
    auth: 'required',
    body: { comment: { body: '{text}' } },
    write: true,
  },
];

export const readHeavy: Scenario = {
  name: 'read-heavy',
  description: 'RealWorld browsing mix, about 10 reads per write, Zipf-skewed towards popular articles',
  model: 'closed',
  connections: 32,
  durationSeconds: 30,
  requests: readHeavyRequests,
  thresholds: { p95Ms: 500, maxErrorRate: 0.01 },
};
