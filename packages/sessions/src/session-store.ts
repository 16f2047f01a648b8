/** Maps an opaque bearer token to the user it was issued to. Stage 3 swaps the memory store for Redis. */
export interface SessionStore {
  create(userId: number): Promise<string>;
  /** The user the token was issued to, or null when it is unknown, revoked or expired (idle or absolute). */
  resolve(token: string): Promise<number | null>;
  revoke(token: string): Promise<void>;
  /**
   * Ends every session of the user except the one `keepToken` belongs to: after a password or e-mail change, a
   * token stolen before it stops working, while the device that made the change stays logged in.
   */
  revokeOthers(userId: number, keepToken: string): Promise<void>;
}
