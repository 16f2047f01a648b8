import { randomUUID } from 'node:crypto';
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import type { KeyRing } from './key-ring.ts';
import { signingAlgorithm } from './signing-key.ts';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** How far the clocks of the signer and the verifier may disagree, applied to exp and iat. */
  clockSkewSeconds: number;
  /** The clock of sign and verify; the real one unless a test moves it. */
  now?: () => Date;
}

export interface AccessTokenClaims {
  userId: number;
  /** The refresh-token family the access token was issued in (`sid`): logout revokes it. */
  sessionId: string;
}

export interface AccessTokenVerifier {
  /**
   * The claims of a valid token; null for every invalid one. Never throws on what a client sends; a key lookup that
   * fails for another reason than a jose error (a key set that cannot be fetched) throws its own error.
   */
  verify(token: string): Promise<AccessTokenClaims | null>;
}

export interface AccessTokens extends AccessTokenVerifier {
  sign(claims: AccessTokenClaims): Promise<string>;
}

/** Where the public key of a token's `kid` comes from: the ring in the app, a remote JWKS in another service. */
export type VerificationKeys = JWTVerifyGetKey;

/** RFC 9068's media type for JWT access tokens, so an ID token or another JWT is never taken for one. */
const accessTokenType = 'at+jwt';
const clientId = 'conduit';
/** Ours are about 400 characters; anything much longer is refused before it is parsed. */
const maxTokenLength = 2_048;
const requiredClaims = ['iss', 'aud', 'exp', 'iat', 'jti', 'sub', 'sid', 'client_id'];
const userIdPattern = /^[1-9][0-9]{0,15}$/;
const maxSessionIdLength = 64;

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Signs access tokens with the ring's current key and verifies them (`createAccessTokenVerifier`) with the ring's
 * key of the header's `kid`.
 */
export function createAccessTokens(keys: KeyRing, settings: AccessTokenSettings): AccessTokens {
  const now = settings.now ?? (() => new Date());
  const verifier = createAccessTokenVerifier(({ kid }) => {
    const key = kid === undefined ? undefined : keys.verificationKey(kid);
    if (key === undefined) throw new errors.JWKSNoMatchingKey();
    return key;
  }, settings);
  return {
    async sign({ userId, sessionId }) {
      const key = keys.signingKey();
      const issuedAt = epochSeconds(now());
      return new SignJWT({ client_id: clientId, sid: sessionId })
        .setProtectedHeader({ alg: signingAlgorithm, typ: accessTokenType, kid: key.kid })
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setSubject(String(userId))
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + settings.ttlSeconds)
        .setJti(randomUUID())
        .sign(key.privateKey);
    },
    verify: verifier.verify,
  };
}

/**
 * Verifies access tokens with the public keys `keys` finds: EdDSA only, typ at+jwt, iss, aud and the lifetime
 * checked, the same rules wherever a token is verified. Keys a token carries (`jwk`, `jku`, `x5u`) are never used.
 */
export function createAccessTokenVerifier(
  keys: VerificationKeys,
  settings: AccessTokenSettings,
): AccessTokenVerifier {
  const now = settings.now ?? (() => new Date());
  return {
    async verify(token) {
      if (typeof token !== 'string' || token.length > maxTokenLength) return null;
      try {
        const { payload } = await jwtVerify(token, keys, {
          algorithms: [signingAlgorithm],
          typ: accessTokenType,
          issuer: settings.issuer,
          audience: settings.audience,
          requiredClaims,
          clockTolerance: settings.clockSkewSeconds,
          // Also rejects an iat in the future beyond the tolerance: a token cannot be issued later than now.
          maxTokenAge: settings.ttlSeconds,
          currentDate: now(),
        });
        return claimsOf(payload);
      } catch (error) {
        if (error instanceof errors.JOSEError) return null;
        throw error;
      }
    },
  };
}

/** The claims when they have the shapes we sign; a validly signed token with others is still refused. */
function claimsOf(payload: JWTPayload): AccessTokenClaims | null {
  const { sub, sid, client_id } = payload;
  if (client_id !== clientId || typeof sub !== 'string' || !userIdPattern.test(sub)) return null;
  if (typeof sid !== 'string' || sid.length === 0 || sid.length > maxSessionIdLength) return null;
  const userId = Number(sub);
  return Number.isSafeInteger(userId) ? { userId, sessionId: sid } : null;
}
