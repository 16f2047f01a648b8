/** How long a shared cache (the edge) may use its copy of a response, in seconds. */
export interface SharedCachePolicy {
  /** Fresh for this long at the edge (`s-maxage`); browsers, which ignore s-maxage, revalidate every time. */
  sharedMaxAge: number;
  /** Past that, served stale for this long while the edge refetches in the background. */
  staleWhileRevalidate: number;
  /** Past that, still served while the origin fails (a 5xx or no answer at all). */
  staleIfError: number;
}

/**
 * `max-age=0` keeps browsers honest (each use revalidates, cheaply, by ETag); the edge, the one cache a write can
 * ban, holds the copy for s-maxage.
 */
export const sharedCacheControl = ({ sharedMaxAge, staleWhileRevalidate, staleIfError }: SharedCachePolicy) =>
  `public, max-age=0, s-maxage=${sharedMaxAge}, stale-while-revalidate=${staleWhileRevalidate}, stale-if-error=${staleIfError}`;

/** A signed-in reader's copy: the browser may keep it, but no shared cache may, and it revalidates each time. */
export const privateRevalidated = 'private, no-cache';

/** Writes and errors: nothing to keep anywhere. */
export const notStored = 'private, no-store';

/**
 * A file whose URL names its content: it can never change, so no cache need ever ask again. s-maxage says it to the
 * edge too, which keeps only what carries one (config/varnish/default.vcl).
 */
export const immutableForAYear = 'public, max-age=31536000, s-maxage=31536000, immutable';
