import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { commonErrorResponses } from './route-schemas.ts';

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/**
 * Adds the answers every route can give besides its own (a malformed URL or body, a request too large, a rate
 * limit, an outage), so that the document lists every status the server sends.
 */
function transform(document: TransformInput) {
  const schema = document.schema as FastifySchema | undefined;
  if (!schema || schema.hide) return jsonSchemaTransform(document);
  const methods = [document.route.method].flat();
  const response = { ...commonErrorResponses(schema, methods), ...(schema.response as object) };
  return jsonSchemaTransform({ ...document, schema: { ...schema, response } });
}

/**
 * The OpenAPI document is generated from the same zod schemas that validate and serialize, so it cannot
 * drift from what the server does. Must be registered before the routes: swagger collects them as they are added.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'RealWorld Conduit API',
        description: 'Conduit API (RealWorld spec v2.0.0)',
        version: '2.0.0',
      },
      components: {
        securitySchemes: {
          Token: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: 'Send "Token <token>", the token returned by registration or login.',
          },
        },
      },
    },
    transform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
}

/** `GET /openapi.json` inside the /api prefix. */
export async function openApiDocumentRoute(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
