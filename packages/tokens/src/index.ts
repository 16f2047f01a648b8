export {
  type AccessTokenClaims,
  type AccessTokenSettings,
  type AccessTokens,
  type AccessTokenVerifier,
  createAccessTokens,
  createAccessTokenVerifier,
  type VerificationKeys,
} from './access-tokens.ts';
export { TokenKeyError, type TokenKeyErrorCode } from './errors.ts';
export { type JwksRouteOptions, jwksPath, jwksRoute } from './jwks-route.ts';
export { createJwtSessions, type JwtSessionsOptions } from './jwt-sessions.ts';
export { type KeyRing, type KeyRingOptions, startKeyRing } from './key-ring.ts';
export { type KeyRingPluginOptions, keyRingPlugin } from './key-ring-plugin.ts';
export {
  createRefreshTokenStore,
  type FamilyRevocationReason,
  type IssuedRefreshToken,
  type RefreshTokenStore,
  type RefreshTokenStoreOptions,
} from './refresh-tokens.ts';
export { registerSignInKeys, type SignInConfig, signedSessions } from './replica-sign-ins.ts';
export { type Rotation, type RotationOptions, rotateSigningKey } from './rotation.ts';
export type { SigningKey } from './signing-key.ts';
export {
  accessTokenSettings,
  keyRingOptions,
  rotationOptions,
  type TokenConfig,
  tokenEnv,
} from './token-env.ts';
