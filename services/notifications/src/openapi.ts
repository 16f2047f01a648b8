import { errorBodySchema, maxOffset, maxPageSize } from '@scaling/contract';
import { z } from 'zod';
import { notificationsResponseSchema } from './notification-schemas.ts';

/** A component schema from the zod schema the route serializes with, so the document cannot drift from the answers. */
function componentOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...component } = z.toJSONSchema(schema) as Record<string, unknown>;
  return component;
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/GenericErrorModel' } } },
});

const queryInteger = (
  name: string,
  description: string,
  bounds: { minimum: number; maximum: number; default: number },
) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema: { type: 'integer', ...bounds },
});

/**
 * The OpenAPI 3.1 fragment of the service's extension to the RealWorld API: merged into the app's document
 * (`/api/openapi.json`) its paths and components add the notifications without touching the spec's own.
 */
export function notificationsOpenApi() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Conduit notifications (an extension of the RealWorld API)',
      version: '1.0.0',
      description:
        'Served by services/notifications behind the same origin as the API (nginx routes /api/notifications to ' +
        "it). Sign-in is the app's: the same access token, verified against the app's JWKS.",
    },
    paths: {
      '/api/notifications': {
        get: {
          tags: ['Notifications'],
          summary: "The signed-in user's notifications, newest first",
          description:
            'What others did that concerns the user: a followed author published an article, someone commented on ' +
            "or favorited one of their articles, someone followed them. Never the user's own actions. Eventually " +
            'consistent: a notification appears once its event has gone through the outbox, the relay and Kafka.',
          security: [{ Token: [] }],
          parameters: [
            queryInteger('limit', 'How many notifications, at most.', {
              minimum: 1,
              maximum: maxPageSize,
              default: 20,
            }),
            queryInteger('offset', 'How many of the newest to skip.', {
              minimum: 0,
              maximum: maxOffset,
              default: 0,
            }),
          ],
          responses: {
            200: {
              description: 'A page of notifications and how many the user has in all',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/NotificationsResponse' } },
              },
            },
            401: errorResponse('No token, a malformed Authorization header, or a token the app did not sign'),
            422: errorResponse('limit or offset outside its bounds, or not an integer'),
            503: errorResponse(
              "The service's database or the app's keys are unreachable; retry after Retry-After",
            ),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        Token: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'Send "Token <token>", the access token returned by registration, login or refresh.',
        },
      },
      schemas: {
        NotificationsResponse: componentOf(notificationsResponseSchema),
        GenericErrorModel: componentOf(errorBodySchema),
      },
    },
  };
}
