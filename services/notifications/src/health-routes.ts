import { healthResponseSchema } from '@scaling/contract';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const readinessSchema = z.object({ status: z.enum(['ready', 'closing']) });

/**
 * Liveness and readiness under the service's own prefix, so they pass through the same nginx location as its API.
 * Neither touches Postgres or Kafka: an outage of either must not make the supervisor restart a healthy process
 * (consumer lag is on /metrics).
 */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.get(
    '/notifications/health',
    { schema: { tags: ['Health'], summary: 'Liveness probe', response: { 200: healthResponseSchema } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/notifications/ready',
    {
      schema: {
        tags: ['Health'],
        summary: 'Readiness probe: 503 once the service is closing',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) =>
      closing ? reply.code(503).send({ status: 'closing' as const }) : { status: 'ready' as const },
  );
};
