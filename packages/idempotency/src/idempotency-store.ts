/** Which request a key belongs to: the same key from another user, or on another route, is another record. */
export interface IdempotencyScope {
  /** `user:<id>` or `anonymous`. */
  owner: string;
  method: string;
  path: string;
  key: string;
}

/** The first answer, kept to be replayed byte for byte. */
export interface StoredResponse {
  statusCode: number;
  contentType: string | null;
  body: string | null;
}

export type ClaimOutcome =
  /** Nobody used the key yet: run the request, then `complete` (or `release`). */
  | { outcome: 'claimed' }
  /** The first request finished: answer with its response. */
  | { outcome: 'completed'; response: StoredResponse }
  /** The first request is still running somewhere (this replica or another). */
  | { outcome: 'in-flight' }
  /** The first request started too long ago to still be running: its process died before it answered. */
  | { outcome: 'interrupted' }
  /** The key was used with another body: a client bug, not a retry. */
  | { outcome: 'mismatch' };

/**
 * Idempotency keys for non-idempotent requests. A key is claimed before the request runs and completed with
 * its response; a claimed key is never run a second time, which is what makes a retry safe.
 */
export interface IdempotencyStore {
  /** The largest response body `complete` keeps; a larger answer is replaced by one that says it was not kept. */
  readonly maxBodyBytes: number;
  /** The fingerprint `claim` and `complete` compare: equal for equal bodies, and keyed (see requestFingerprint). */
  fingerprint(body: unknown): string;
  claim(scope: IdempotencyScope, fingerprint: string): Promise<ClaimOutcome>;
  complete(scope: IdempotencyScope, fingerprint: string, response: StoredResponse): Promise<void>;
  /** Frees the key for a retry: only for answers that promise nothing was done. */
  release(scope: IdempotencyScope): Promise<void>;
}
