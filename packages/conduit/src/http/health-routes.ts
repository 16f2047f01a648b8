import { healthResponseSchema } from '@scaling/contract';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const readinessSchema = z.object({ status: z.enum(['ready', 'draining']) });

export interface HealthRoutesOptions {
  isDraining?: () => boolean;
  healthDetails?: () => Record<string, unknown>;
}

/**
 * Liveness (`/health`) and readiness (`/ready`), both without touching a dependency: a Postgres or Redis
 * outage would fail every replica's probe at once and leave the balancer nothing to route anonymous reads to.
 * Readiness fails only while this process drains for shutdown. What `healthDetails` reports (stage 4: the replicas'
 * lag, from memory) joins the liveness body: it informs an operator, it never fails the probe.
 */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (
  app,
  { isDraining, healthDetails },
) => {
  app.get(
    '/health',
    { schema: { tags: ['Health'], summary: 'Liveness probe', response: { 200: healthResponseSchema } } },
    async () => ({ ...healthDetails?.(), status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['Health'],
        summary: 'Readiness probe: 503 while the server drains for shutdown',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) =>
      isDraining?.() ? reply.code(503).send({ status: 'draining' as const }) : { status: 'ready' as const },
  );
};
