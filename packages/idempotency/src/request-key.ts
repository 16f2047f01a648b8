import { createHash } from 'node:crypto';

/** Long enough for a UUID or any client-made token, short enough to keep Redis keys small. */
export const maxIdempotencyKeyLength = 255;
const visibleAscii = /^[\x21-\x7e]+$/;

export function isValidIdempotencyKey(key: string): boolean {
  return key.length <= maxIdempotencyKeyLength && visibleAscii.test(key);
}

/** What "the same request" means for a retry: the same parsed body (its JSON form), hashed. */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('base64url');
}
