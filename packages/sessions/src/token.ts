import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes (256 bits) make a token that cannot be guessed; base64url keeps it header-safe. */
export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What the stores key a session by: SHA-256 of the token, so whoever can read the store (a Redis dump, a replica,
 * a heap snapshot) finds no token they could send. A fast hash is enough: the token is 256 random bits, not a
 * password, so there is nothing to brute-force.
 */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
