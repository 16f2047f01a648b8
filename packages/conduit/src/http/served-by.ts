import type { FastifyInstance } from 'fastify';

/**
 * Every response (errors and 404s too) names the replica that made it, and a draining replica asks the
 * client (the balancer) not to reuse the connection: that connection would be closed under its next request.
 */
export function useInstanceHeaders(
  app: FastifyInstance,
  { instanceName, isDraining }: { instanceName?: string; isDraining?: () => boolean },
): void {
  if (instanceName === undefined && isDraining === undefined) return;
  app.addHook('onSend', async (_request, reply, payload) => {
    if (instanceName !== undefined) reply.header('x-served-by', instanceName);
    if (isDraining?.()) reply.header('connection', 'close');
    return payload;
  });
}
