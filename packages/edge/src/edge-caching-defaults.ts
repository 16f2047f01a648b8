import type { SharedCachePolicy } from './cache-policy.ts';
import type { DocsCachingOptions, EdgeCachingOptions } from './edge-caching-plugin.ts';

/**
 * Bans make writes visible at once, so s-maxage only bounds how long a copy outlives a ban that never arrived (the
 * purger is fail-open). A day of stale-if-error keeps reads answered through an origin outage.
 */
const policy = (sharedMaxAge: number): SharedCachePolicy => ({
  sharedMaxAge,
  staleWhileRevalidate: 30,
  staleIfError: 86_400,
});

/** What stage 4 ships: list pages, which many writes move, for less time than the pages of one thing. */
export const defaultEdgeRoutes: EdgeCachingOptions['routes'] = {
  articleList: policy(30),
  article: policy(60),
  profile: policy(60),
  tags: policy(60),
};

/** The docs page and the OpenAPI document change only with a deploy. */
export const defaultDocsCaching: DocsCachingOptions = {
  prefix: '/api/docs',
  documentUrl: '/api/openapi.json',
  policy: policy(300),
};
