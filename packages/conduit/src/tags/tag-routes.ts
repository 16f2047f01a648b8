import { tagsResponseSchema } from '@scaling/contract';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createArticleRepository } from '../articles/article-repository.ts';

export const tagRoutes: FastifyPluginAsyncZod = async (app) => {
  const articles = createArticleRepository(app.pg);

  app.get(
    '/tags',
    { schema: { tags: ['Tags'], summary: 'Every tag ever used', response: { 200: tagsResponseSchema } } },
    async () => ({ tags: await articles.allTagNames() }),
  );
};
