/** What a sign-in hands the client: the bearer token, and a refresh token when the store issues one. */
export interface IssuedSession {
  token: string;
  /** Exchanged at `POST /api/users/refresh` for a new pair; only stores with short-lived tokens issue one. */
  refreshToken?: string;
}

/**
 * Maps a bearer token to the user it was issued to. Stage 3 swaps the memory store for Redis; stage 5 for signed
 * access tokens that resolve without any store, with refresh tokens in Postgres.
 */
export interface SessionStore {
  create(userId: number): Promise<IssuedSession>;
  /** The user the token was issued to, or null when it is unknown, revoked or expired (idle or absolute). */
  resolve(token: string): Promise<number | null>;
  /** Ends the sign-in the token belongs to (for signed tokens: its refresh family; the token itself runs out). */
  revoke(token: string): Promise<void>;
  /**
   * Ends every session of the user except the one `keepToken` belongs to: after a password or e-mail change, a
   * token stolen before it stops working, while the device that made the change stays logged in.
   */
  revokeOthers(userId: number, keepToken: string): Promise<void>;
  /**
   * Exchanges a refresh token for a new session of the same sign-in, or null when the refresh token is unknown,
   * used, expired or revoked. Present only on stores that issue refresh tokens.
   */
  refresh?(refreshToken: string): Promise<{ userId: number; session: IssuedSession } | null>;
}
