import type { SessionStore } from '@scaling/sessions';
import type { FastifyInstance } from 'fastify';
import { createAccessTokens } from './access-tokens.ts';
import { jwksRoute } from './jwks-route.ts';
import { createJwtSessions } from './jwt-sessions.ts';
import { keyRingPlugin } from './key-ring-plugin.ts';
import { createRefreshTokenStore } from './refresh-tokens.ts';
import { accessTokenSettings, keyRingOptions, type TokenConfig } from './token-env.ts';

export type SignInConfig = TokenConfig & { REFRESH_TOKEN_TTL_SECONDS: number };

/**
 * What an API replica registers to sign in with JWTs (stages 5 on): the signing keys from `app.pg`, the same on
 * every replica and reloaded to follow rotations, and their public halves at the JWKS route, cacheable until the
 * next reload, for any client or service that checks a token itself.
 */
export async function registerSignInKeys(app: FastifyInstance, config: SignInConfig): Promise<void> {
  await app.register(keyRingPlugin, keyRingOptions(config));
  await app.register(jwksRoute, { keys: app.keyRing, maxAgeSeconds: config.JWT_KEYS_REFRESH_SECONDS });
}

/**
 * The session port on signed access tokens, once `registerSignInKeys` ran: any replica verifies a token with the
 * keys it holds in memory, and only the refresh tokens are stored (hashed, in `app.pg`), read once per lifetime.
 */
export function signedSessions(app: FastifyInstance, config: SignInConfig): SessionStore {
  return createJwtSessions({
    accessTokens: createAccessTokens(app.keyRing, accessTokenSettings(config)),
    refreshTokens: createRefreshTokenStore(app.pg, { ttlSeconds: config.REFRESH_TOKEN_TTL_SECONDS }),
  });
}
