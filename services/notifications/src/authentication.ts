import { errorMessages } from '@scaling/contract';
import type { AccessTokenVerifier } from '@scaling/tokens';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { unauthorized } from './http-errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's id, set by `requireSignedIn` before the handler runs. */
    userId: number | null;
  }
}

// The header the RealWorld clients send, and the app reads.
const tokenHeader = /^Token ([^\s]+)$/;

/**
 * Every notifications route is the signed-in user's own: no token, a malformed header or a token the app's keys do
 * not verify is a 401 with the app's words, before anything else runs.
 */
export function requireSignedIn(accessTokens: AccessTokenVerifier): onRequestAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization?.trim();
    if (!header) throw unauthorized(errorMessages.missing);
    const token = tokenHeader.exec(header)?.[1];
    if (token === undefined) throw unauthorized('is malformed; send "Authorization: Token <token>"');
    const claims = await accessTokens.verify(token);
    if (claims === null) throw unauthorized(errorMessages.invalid);
    request.userId = claims.userId;
  };
}

export function signedInUser(request: FastifyRequest): number {
  if (request.userId === null) throw unauthorized(errorMessages.missing);
  return request.userId;
}
