import { refreshRequestSchema, userResponseSchema } from '@scaling/contract';
import type { SessionStore } from '@scaling/sessions';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { invalidRefreshToken } from '../http/http-error.ts';
import { errorResponses } from '../http/route-schemas.ts';
import { toUserBody } from './user-body.ts';
import type { UserRepository } from './user-repository.ts';

/** The rules a client of `POST /api/users/refresh` must know, published in the OpenAPI document. */
const refreshDescription = [
  'An extension to the spec, present when the server issues short-lived signed access tokens (stage 5).',
  'Exchanges a refresh token for a new token (access token) and a new refresh token of the same sign-in;',
  'no Authorization header is needed, since the access token has usually expired by then.',
  '',
  '- Rotation on every use: a refresh token works once, and the answer carries its successor.',
  '- Re-use revokes the family: a refresh token presented after it was exchanged means a copy exists (RFC 9700),',
  '  and the server cannot tell the client from a thief, so every refresh token of that sign-in stops working;',
  '  the user signs in again.',
  '- Two concurrent refreshes with the same token: exactly one wins, the other is a re-use and revokes the family,',
  "  the winner's new refresh token included (the strict rule). A client sends one refresh at a time.",
  '- Absolute lifetime: the refresh tokens of a sign-in stop working 7 days after it (REFRESH_TOKEN_TTL_SECONDS),',
  '  however often they are rotated.',
  '- Logout (POST /api/users/logout) revokes the family.',
  '- An unknown, used, expired or revoked refresh token gets the same 401 {"errors":{"refreshToken":["is invalid"]}}.',
].join('\n');

/** `POST /api/users/logout` where tokens are signed: what it ends, and what it cannot. */
export const signedTokenLogoutDocs = {
  summary: 'Log out: revoke the sign-in this token belongs to (an extension to the spec)',
  description: [
    'Revokes the refresh token family of the sign-in the access token belongs to: its refresh tokens stop',
    'working at once, so the sign-in cannot be extended.',
    '',
    'The access token itself is signed and checked without any lookup, so it stays valid until it expires',
    '(JWT_ACCESS_TTL_SECONDS, 15 minutes by default); the client forgets it. Ending it sooner would take a',
    'denylist of token ids checked on every request: the per-request lookup that signed tokens remove.',
  ].join('\n'),
};

export interface RefreshRouteOptions {
  refresh: NonNullable<SessionStore['refresh']>;
  users: UserRepository;
}

/**
 * Not throttled like login: a refresh token holds 256 random bits, so guessing one is hopeless, and the
 * throttle's store (Redis) may be down while refresh, which needs Postgres only, must keep working.
 */
export const refreshRoute: FastifyPluginAsyncZod<RefreshRouteOptions> = async (app, { refresh, users }) => {
  app.post(
    '/users/refresh',
    {
      // The answer carries new tokens: a replayed one would hand them to whoever repeats the key.
      config: { idempotencyKey: 'refused' },
      schema: {
        tags: ['User and Authentication'],
        summary: 'Exchange a refresh token for a new token pair (an extension to the spec)',
        description: refreshDescription,
        body: refreshRequestSchema,
        response: { 200: userResponseSchema, ...errorResponses(401) },
      },
    },
    async (request) => {
      const refreshed = await refresh(request.body.user.refreshToken);
      if (refreshed === null) throw invalidRefreshToken();
      const user = await users.findById(refreshed.userId);
      // The user was deleted between the rotation and this read: the cascade removed the family too.
      if (!user) throw invalidRefreshToken();
      return toUserBody(user, refreshed.session);
    },
  );
};
