import { randomBytes } from 'node:crypto';

/** 32 random bytes (256 bits) make a token that cannot be guessed; base64url keeps it header-safe. */
export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}
