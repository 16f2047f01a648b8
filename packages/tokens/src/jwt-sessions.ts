import type { SessionStore } from '@scaling/sessions';
import type { AccessTokens } from './access-tokens.ts';
import type { RefreshTokenStore } from './refresh-tokens.ts';

export interface JwtSessionsOptions {
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokenStore;
}

/**
 * The session port on signed access tokens: `resolve` checks the signature and claims and looks nothing up, so an
 * authenticated request needs no store at all. What is left of the state lives in the refresh-token families
 * (Postgres): logout and a credentials change revoke families, and their access tokens run until they expire.
 */
export function createJwtSessions({
  accessTokens,
  refreshTokens,
}: JwtSessionsOptions): SessionStore & Required<Pick<SessionStore, 'refresh'>> {
  return {
    async create(userId) {
      const { familyId, refreshToken } = await refreshTokens.issue(userId);
      return { token: await accessTokens.sign({ userId, sessionId: familyId }), refreshToken };
    },
    async resolve(token) {
      return (await accessTokens.verify(token))?.userId ?? null;
    },
    async revoke(token) {
      const claims = await accessTokens.verify(token);
      if (claims !== null) await refreshTokens.revokeFamily(claims.sessionId, 'logout');
    },
    async revokeOthers(userId, keepToken) {
      const claims = await accessTokens.verify(keepToken);
      await refreshTokens.revokeOtherFamilies(userId, claims?.sessionId ?? null, 'credentials-changed');
    },
    async refresh(refreshToken) {
      const rotated = await refreshTokens.rotate(refreshToken);
      if (rotated === null) return null;
      const { userId, familyId } = rotated;
      return {
        userId,
        session: {
          token: await accessTokens.sign({ userId, sessionId: familyId }),
          refreshToken: rotated.refreshToken,
        },
      };
    },
  };
}
