import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** `*` for any origin, or the exact origins (`https://app.example.com`) a browser front end is served from. */
export type AllowedOrigins = '*' | readonly string[];

/**
 * CORS as the RealWorld backend specification asks, so a front end served from another origin can call the API:
 * preflights (`OPTIONS`) are answered with 204 and every response carries `Access-Control-Allow-Origin`.
 * Credentials are never allowed: the token travels in the `Authorization` header, which the browser sends only when
 * the page's own script adds it, so an allowed origin gets nothing the user did not hand it. Must be registered
 * before the not-found handler learns the routes: its catch-all `OPTIONS *` route is not a path of the API.
 */
export async function useCors(app: FastifyInstance, origins: AllowedOrigins): Promise<void> {
  await app.register(cors, {
    origin: origins === '*' ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    // Headers a front end's script may read besides the safelisted ones (the rate limit's and outages' waits).
    exposedHeaders: ['Retry-After', 'Idempotent-Replayed', 'X-Served-By'],
    // Browsers cap it (Chromium at 2 h); 10 min saves a preflight per request without pinning a policy for long.
    maxAge: 600,
    // An OPTIONS request without the preflight headers is answered like a preflight, not with a text/plain 400.
    strictPreflight: false,
  });
}
