import { healthResponseSchema } from '@scaling/contract';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** Liveness only: it answers while the process serves requests, without touching the database. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    { schema: { tags: ['Health'], summary: 'Liveness probe', response: { 200: healthResponseSchema } } },
    async () => ({ status: 'ok' as const }),
  );
};
