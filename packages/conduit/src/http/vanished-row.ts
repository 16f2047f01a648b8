import { errorMessages } from '@scaling/contract';
import { notFound, unauthorized } from './http-error.ts';

/**
 * A write that points at a row deleted since the request looked it up: a concurrent delete, a cached copy that
 * outlived its row (stage 4), or an access token that outlives its user (stage 5). Postgres refuses it with a
 * foreign-key violation (23503), which is the client's 404 or 401, never a server error.
 */
export function rethrowVanishedRow(error: unknown): never {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  if (code === '23503' && constraint !== undefined) {
    if (/_article_id_fkey$/.test(constraint)) throw notFound('article');
    if (/_(user|author|follower)_id_fkey$/.test(constraint)) throw unauthorized(errorMessages.invalid);
    if (/_followee_id_fkey$/.test(constraint)) throw notFound('profile');
  }
  throw error;
}
