import { createHmac } from 'node:crypto';

/** Long enough for a UUID or any client-made token, short enough to keep Redis keys small. */
export const maxIdempotencyKeyLength = 255;
const visibleAscii = /^[\x21-\x7e]+$/;

export function isValidIdempotencyKey(key: string): boolean {
  return key.length <= maxIdempotencyKeyLength && visibleAscii.test(key);
}

/**
 * What "the same request" means for a retry: the same parsed body (its JSON form), hashed with a secret the
 * replicas share. Bodies carry passwords (register, login): an unkeyed hash stored in Redis for a day would be
 * a fast hash of each password, open to brute force by anyone who can read Redis.
 */
export function requestFingerprint(body: unknown, secret: string): string {
  return createHmac('sha256', secret)
    .update(JSON.stringify(body ?? null))
    .digest('base64url');
}
