import type { VerificationKeys } from '@scaling/tokens';
import { createRemoteJWKSet, errors } from 'jose';
import { NotificationsError } from './errors.ts';

export interface RemoteKeysOptions {
  /** The app's JWKS, such as http://app:8080/api/.well-known/jwks.json. */
  url: string;
  timeoutMs: number;
  cooldownMs: number;
  cacheMaxAgeMs: number;
}

/**
 * Failures of the fetch itself, as opposed to a token naming a key the set lacks: a timeout, a non-200 answer or
 * unparsable JSON (jose's generic error), a malformed set, a network error (not a jose error at all).
 */
function isFetchFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    error.code === errors.JOSEError.code
  );
}

/**
 * The app's public keys, fetched from its JWKS and cached by jose: refetched when a token names an unknown key id
 * (a rotation), at most once per cooldown, and when the cached set is older than its maximum age. When the set
 * cannot be fetched the lookup throws NOTIFICATIONS_KEYS_UNAVAILABLE, which the API answers with 503: a 401 would
 * tell a client with a good token to sign in again because of our outage.
 */
export function remoteVerificationKeys(options: RemoteKeysOptions): VerificationKeys {
  const keySet = createRemoteJWKSet(new URL(options.url), {
    timeoutDuration: options.timeoutMs,
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: options.cacheMaxAgeMs,
  });
  return async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      if (!isFetchFailure(error)) throw error;
      throw new NotificationsError(
        'NOTIFICATIONS_KEYS_UNAVAILABLE',
        `The app's signing keys could not be fetched from ${options.url} (${(error as Error).message}): check ` +
          'JWKS_URL and that the app answers there; the next request tries again.',
        { cause: error },
      );
    }
  };
}
