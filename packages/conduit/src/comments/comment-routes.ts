import {
  commentParamsSchema,
  commentsQuerySchema,
  multipleCommentsResponseSchema,
  newCommentRequestSchema,
  noContentSchema,
  singleCommentResponseSchema,
  slugParamsSchema,
} from '@scaling/contract';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireViewer, viewerId } from '../http/authentication.ts';
import { forbidden, notFound } from '../http/http-error.ts';
import { writeBegins } from '../http/idempotency.ts';
import { errorResponses, tokenSecurity } from '../http/route-schemas.ts';
import { rethrowVanishedRow } from '../http/vanished-row.ts';
import type { ConduitOptions } from '../options.ts';

export const commentRoutes: FastifyPluginAsyncZod<ConduitOptions> = async (app, { repositories }) => {
  const { articles, comments } = repositories;

  async function findArticleId(slug: string): Promise<number> {
    const article = await articles.findOwnership(slug);
    if (!article) throw notFound('article');
    return article.id;
  }

  app.get(
    '/articles/:slug/comments',
    {
      config: { auth: 'optional' },
      schema: {
        tags: ['Comments'],
        operationId: 'GetArticleComments',
        summary:
          "An article's comments, newest first; every one of them unless the thread is longer than a page",
        params: slugParamsSchema,
        querystring: commentsQuerySchema,
        response: { 200: multipleCommentsResponseSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => ({
      comments: await comments.listForArticle(
        await findArticleId(request.params.slug),
        request.query,
        viewerId(request),
      ),
    }),
  );

  app.post(
    '/articles/:slug/comments',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['Comments'],
        operationId: 'CreateArticleComment',
        summary: 'Comment on an article',
        security: tokenSecurity,
        params: slugParamsSchema,
        body: newCommentRequestSchema,
        response: { 201: singleCommentResponseSchema, ...errorResponses(401, 404, 422) },
      },
      links: {
        201: {
          DeleteArticleComment: {
            operationId: 'DeleteArticleComment',
            parameters: { slug: '$request.path.slug', id: '$response.body#/comment/id' },
          },
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireViewer(request);
      const articleId = await findArticleId(request.params.slug);
      writeBegins(request);
      const comment = await comments
        .insert({ articleId, authorId: userId, body: request.body.comment.body })
        .catch(rethrowVanishedRow);
      return reply.code(201).send({ comment });
    },
  );

  app.delete(
    '/articles/:slug/comments/:id',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['Comments'],
        operationId: 'DeleteArticleComment',
        summary: 'Delete your comment',
        security: tokenSecurity,
        params: commentParamsSchema,
        response: { 204: noContentSchema, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const { userId } = requireViewer(request);
      const articleId = await findArticleId(request.params.slug);
      const authorId = await comments.findAuthorId(articleId, request.params.id);
      if (authorId === null) throw notFound('comment');
      if (authorId !== userId) throw forbidden('comment');
      await comments.delete(articleId, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
