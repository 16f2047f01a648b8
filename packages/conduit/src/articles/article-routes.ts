import {
  listArticlesQuerySchema,
  multipleArticlesResponseSchema,
  newArticleRequestSchema,
  noContentSchema,
  paginationQuerySchema,
  singleArticleResponseSchema,
  slugParamsSchema,
  updateArticleRequestSchema,
} from '@scaling/contract';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { normalizeTags } from '../domain/normalize.ts';
import { isSlugOf, slugify } from '../domain/slug.ts';
import { requireViewer, viewerId } from '../http/authentication.ts';
import { forbidden, notFound } from '../http/http-error.ts';
import { writeBegins } from '../http/idempotency.ts';
import { articleLinks, errorResponses, tokenSecurity } from '../http/route-schemas.ts';
import { rethrowVanishedRow } from '../http/vanished-row.ts';
import type { ConduitOptions } from '../options.ts';

export const articleRoutes: FastifyPluginAsyncZod<ConduitOptions> = async (app, { repositories, hooks }) => {
  const { articles } = repositories;

  /** Loads the article for a change by the viewer: 404 if it does not exist, 403 if it is someone else's. */
  async function findOwnedArticle(slug: string, userId: number) {
    const article = await articles.findOwnership(slug);
    if (!article) throw notFound('article');
    if (article.authorId !== userId) throw forbidden('article');
    return article;
  }

  async function loadArticle(id: number, userId: number | null) {
    const article = await articles.findById(id, userId);
    if (!article) throw notFound('article');
    return { article };
  }

  app.get(
    '/articles',
    {
      config: { auth: 'optional' },
      schema: {
        tags: ['Articles'],
        operationId: 'GetArticles',
        summary: 'List recent articles, newest first, filtered by tag, author or favorited',
        querystring: listArticlesQuerySchema,
        response: { 200: multipleArticlesResponseSchema, ...errorResponses(401, 422) },
      },
    },
    async (request) => {
      const { tag, author, favorited, limit, offset } = request.query;
      return articles.list({ tag, author, favoritedBy: favorited }, { limit, offset }, viewerId(request));
    },
  );

  app.get(
    '/articles/feed',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['Articles'],
        operationId: 'GetArticlesFeed',
        summary: 'Recent articles by the users you follow',
        security: tokenSecurity,
        querystring: paginationQuerySchema,
        response: { 200: multipleArticlesResponseSchema, ...errorResponses(401, 422) },
      },
    },
    async (request) => {
      const { userId } = requireViewer(request);
      return articles.list({ followedBy: userId }, request.query, userId);
    },
  );

  app.get(
    '/articles/:slug',
    {
      config: { auth: 'optional' },
      schema: {
        tags: ['Articles'],
        operationId: 'GetArticle',
        summary: 'Get an article',
        params: slugParamsSchema,
        response: { 200: singleArticleResponseSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const article = await articles.findBySlug(request.params.slug, viewerId(request));
      if (!article) throw notFound('article');
      return { article };
    },
  );

  app.post(
    '/articles',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['Articles'],
        operationId: 'CreateArticle',
        summary: 'Create an article',
        security: tokenSecurity,
        body: newArticleRequestSchema,
        response: { 201: singleArticleResponseSchema, ...errorResponses(401, 422) },
      },
      links: { 201: articleLinks('$response.body#/article/slug') },
    },
    async (request, reply) => {
      const { userId } = requireViewer(request);
      const input = request.body.article;
      writeBegins(request);
      const id = await repositories
        .transaction(userId, async ({ articles: repository, client }) => {
          const created = await repository.insert({
            baseSlug: slugify(input.title),
            title: input.title,
            description: input.description,
            body: input.body,
            authorId: userId,
          });
          await repository.replaceTags(created.id, normalizeTags(input.tagList ?? []));
          await hooks?.articlePublished?.(client, { id: created.id, authorId: userId });
          return created.id;
        })
        .catch(rethrowVanishedRow);
      return reply.code(201).send(await loadArticle(id, userId));
    },
  );

  app.put(
    '/articles/:slug',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['Articles'],
        operationId: 'UpdateArticle',
        summary: 'Update an article; a new title gives it a new slug',
        security: tokenSecurity,
        params: slugParamsSchema,
        body: updateArticleRequestSchema,
        response: { 200: singleArticleResponseSchema, ...errorResponses(401, 403, 404, 422) },
      },
      links: { 200: articleLinks('$response.body#/article/slug') },
    },
    async (request) => {
      const { userId } = requireViewer(request);
      const { id, slug } = await findOwnedArticle(request.params.slug, userId);
      const { title, description, body, tagList } = request.body.article;
      await repositories.transaction(userId, async ({ articles: repository }) => {
        const baseSlug = title === undefined ? undefined : nextBaseSlug(slug, title);
        if (baseSlug !== undefined) await repository.moveToSlug(id, baseSlug);
        await repository.update(id, { title, description, body });
        if (tagList !== undefined) await repository.replaceTags(id, normalizeTags(tagList));
      });
      return loadArticle(id, userId);
    },
  );

  app.delete(
    '/articles/:slug',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['Articles'],
        operationId: 'DeleteArticle',
        summary: 'Delete an article',
        security: tokenSecurity,
        params: slugParamsSchema,
        response: { 204: noContentSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { userId } = requireViewer(request);
      const { id } = await findOwnedArticle(request.params.slug, userId);
      await articles.delete(id);
      return reply.code(204).send(null);
    },
  );

  // Favoriting and unfavoriting are the same request on two methods; both are idempotent and answer the article.
  for (const [method, operationId, summary, change] of [
    ['POST', 'CreateArticleFavorite', 'Favorite an article', articles.favorite],
    ['DELETE', 'DeleteArticleFavorite', 'Unfavorite an article', articles.unfavorite],
  ] as const) {
    app.route({
      method,
      url: '/articles/:slug/favorite',
      config: { auth: 'required' },
      schema: {
        tags: ['Favorites'],
        operationId,
        summary,
        security: tokenSecurity,
        params: slugParamsSchema,
        response: { 200: singleArticleResponseSchema, ...errorResponses(401, 404) },
      },
      handler: async (request) => {
        const { userId } = requireViewer(request);
        const article = await articles.findOwnership(request.params.slug);
        if (!article) throw notFound('article');
        await change(userId, article.id).catch(rethrowVanishedRow);
        return loadArticle(article.id, userId);
      },
    });
  }
};

/**
 * The slug follows the title (RealWorld: "the slug also gets updated when the title is changed"), but a
 * title that slugifies to the current slug's base keeps the slug, so links survive cosmetic edits: then
 * there is no new slug to take.
 */
function nextBaseSlug(currentSlug: string, title: string): string | undefined {
  const base = slugify(title);
  return isSlugOf(currentSlug, base) ? undefined : base;
}
