import { paginationQuerySchema } from '@scaling/contract';
import type { AccessTokenVerifier } from '@scaling/tokens';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireSignedIn, signedInUser } from './authentication.ts';
import { readNotifications } from './notification-reads.ts';
import { notificationsResponseSchema } from './notification-schemas.ts';

export interface NotificationRoutesOptions {
  accessTokens: AccessTokenVerifier;
}

/** `GET /api/notifications?limit&offset`: the signed-in user's notifications, paged like the app's article lists. */
export const notificationRoutes: FastifyPluginAsyncZod<NotificationRoutesOptions> = async (
  app,
  { accessTokens },
) => {
  app.decorateRequest('userId', null);
  app.get(
    '/notifications',
    {
      onRequest: requireSignedIn(accessTokens),
      schema: {
        tags: ['Notifications'],
        summary: "The signed-in user's notifications, newest first",
        querystring: paginationQuerySchema,
        response: { 200: notificationsResponseSchema },
      },
    },
    async (request) => readNotifications(app.pg, signedInUser(request), request.query),
  );
};
