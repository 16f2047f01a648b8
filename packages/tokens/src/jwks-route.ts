import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { KeyRing } from './key-ring.ts';

export interface JwksRouteOptions {
  keys: KeyRing;
  /**
   * How long the edge and then a client may keep the key set, in total (a client subtracts the edge's Age). A new
   * key is published two reload periods before it signs and every replica serves it after one, so up to
   * JWT_KEYS_REFRESH_SECONDS gets it to every verifier by the time it signs.
   */
  maxAgeSeconds: number;
}

export const jwksPath = '/api/.well-known/jwks.json';

async function jwks(app: FastifyInstance, { keys, maxAgeSeconds }: JwksRouteOptions): Promise<void> {
  // s-maxage: the edge shares only answers that carry one.
  const cacheControl = `public, max-age=${maxAgeSeconds}, s-maxage=${maxAgeSeconds}`;
  app.get(jwksPath, {
    // A route's own onSend runs after the app-wide ones, so a plugin that marks every other read private (the
    // edge's) does not override this answer, which is the same for everybody.
    onSend: async (_request, reply, payload) => {
      if (reply.statusCode === 200 || reply.statusCode === 304) reply.header('cache-control', cacheControl);
      return payload;
    },
    handler: async () => keys.jwks(),
  });
}

/** `GET /api/.well-known/jwks.json`: the ring's public keys (RFC 7517), cacheable for a short time. */
export const jwksRoute = fp(jwks, { name: 'jwks-route', fastify: '5.x' });
