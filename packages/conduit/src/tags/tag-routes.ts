import { tagsResponseSchema } from '@scaling/contract';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ConduitOptions } from '../options.ts';

export const tagRoutes: FastifyPluginAsyncZod<ConduitOptions> = async (app, { repositories }) => {
  const { articles } = repositories;

  app.get(
    '/tags',
    {
      schema: {
        tags: ['Tags'],
        operationId: 'GetTags',
        summary: 'Every tag ever used',
        response: { 200: tagsResponseSchema },
      },
    },
    async () => ({ tags: await articles.allTagNames() }),
  );
};
