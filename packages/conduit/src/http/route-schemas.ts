import { errorBodySchema } from '@scaling/contract';

/** Documents the RealWorld error body for each listed status in the OpenAPI output. */
export function errorResponses<const Status extends number>(...statuses: Status[]) {
  return Object.fromEntries(statuses.map((status) => [status, errorBodySchema])) as Record<
    Status,
    typeof errorBodySchema
  >;
}

/** OpenAPI security requirement for routes that need `Authorization: Token <token>`. */
export const tokenSecurity = [{ Token: [] }];

const errorAnswer = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorBodySchema } },
});

/** Methods whose requests fastify reads a body from, whether or not the route declares one. */
const bodyMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The answers a route gives besides its own, for the OpenAPI document: they come from the JSON parser, the
 * router, the error handler and the proxy in front, not from the route's handler.
 */
export function commonErrorResponses(
  schema: { params?: unknown; querystring?: unknown; body?: unknown },
  methods: readonly string[],
) {
  const readsBody = methods.some((method) => bodyMethods.has(method.toUpperCase()));
  return {
    400: errorAnswer(
      readsBody
        ? 'The body is not valid JSON, nests deeper than the parser allows, or the URL holds a malformed % escape'
        : 'The URL holds a malformed % escape',
    ),
    ...(readsBody
      ? {
          413: errorAnswer('The body is larger than the server accepts'),
          415: errorAnswer('The body is not sent as application/json'),
        }
      : {}),
    414: errorAnswer('A path segment, or the whole URL, is longer than the server accepts'),
    ...(schema.params || schema.querystring || schema.body
      ? { 422: errorAnswer('A parameter or a body field breaks a rule; each message names its field') }
      : {}),
    429: errorAnswer('Too many requests from this client; retry after the seconds in Retry-After'),
    503: errorAnswer('A store the request needs is unavailable; retry after the seconds in Retry-After'),
  };
}

/**
 * OpenAPI links from a response that holds an article to the operations on it, so that clients and stateful
 * fuzzers know where the slug leads. `slug` is a runtime expression, such as `$response.body#/article/slug`.
 */
export function articleLinks(slug: string) {
  const operations = [
    'GetArticle',
    'UpdateArticle',
    'DeleteArticle',
    'GetArticleComments',
    'CreateArticleComment',
    'CreateArticleFavorite',
    'DeleteArticleFavorite',
  ];
  return Object.fromEntries(
    operations.map((operationId) => [operationId, { operationId, parameters: { slug } }]),
  );
}
