import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { articleRoutes } from './articles/article-routes.ts';
import { commentRoutes } from './comments/comment-routes.ts';
import { authenticate } from './http/authentication.ts';
import { useCors } from './http/cors.ts';
import { errorHandler } from './http/error-handler.ts';
import { healthRoutes } from './http/health-routes.ts';
import { useIdempotency } from './http/idempotency.ts';
import { useJsonBodyParser } from './http/json-body-parser.ts';
import { useNotFoundHandler } from './http/method-not-allowed.ts';
import { openApiDocumentRoute, registerOpenApi } from './http/openapi.ts';
import { useSecurityHeaders } from './http/security-headers.ts';
import { useInstanceHeaders } from './http/served-by.ts';
import type { ConduitOptions } from './options.ts';
import { profileRoutes } from './profiles/profile-routes.ts';
import { tagRoutes } from './tags/tag-routes.ts';
import { userRoutes } from './users/user-routes.ts';

/** Everything under /api lives in its own context: the zod compilers and the JSON parser stay out of the rest of the app. */
async function api(
  app: FastifyInstance,
  {
    repositories,
    sessions,
    hooks,
    isDraining,
    healthDetails,
    idempotency,
    credentialThrottle,
  }: ConduitOptions,
): Promise<void> {
  // Only what the routes use travels on: the register options of this context also carry its prefix.
  const options: ConduitOptions = {
    repositories,
    sessions,
    ...(hooks ? { hooks } : {}),
    ...(credentialThrottle ? { credentialThrottle } : {}),
  };
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  useJsonBodyParser(app);
  app.addHook('onRequest', authenticate(sessions));
  if (idempotency) useIdempotency(app, idempotency);
  await app.register(healthRoutes, {
    ...(isDraining ? { isDraining } : {}),
    ...(healthDetails ? { healthDetails } : {}),
  });
  await app.register(openApiDocumentRoute);
  await app.register(userRoutes, options);
  await app.register(profileRoutes, options);
  await app.register(articleRoutes, options);
  await app.register(commentRoutes, options);
  await app.register(tagRoutes, options);
}

/**
 * The RealWorld API under /api. Sets the app-wide error and not-found handlers (RealWorld error shape,
 * 5xx details hidden), the OpenAPI document (/api/openapi.json) and its docs page (/api/docs), and
 * with `instanceName` / `isDraining` the X-Served-By and Connection: close headers on every response.
 * CORS (any origin unless `allowedOrigins` lists them) and the security headers cover every response too.
 */
async function conduitPlugin(app: FastifyInstance, options: ConduitOptions): Promise<void> {
  app.setErrorHandler(errorHandler);
  await useCors(app, options.allowedOrigins ?? '*');
  useSecurityHeaders(app);
  useNotFoundHandler(app);
  app.decorateRequest('viewer', null);
  useInstanceHeaders(app, options);
  await registerOpenApi(app);
  await app.register(api, { ...options, prefix: '/api' });
}

export const conduit = fp(conduitPlugin, { name: 'conduit', fastify: '5.x' });
