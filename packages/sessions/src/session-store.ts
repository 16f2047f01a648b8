/** Maps an opaque bearer token to the user it was issued to. Stage 3 swaps the memory store for Redis. */
export interface SessionStore {
  create(userId: number): Promise<string>;
  resolve(token: string): Promise<number | null>;
  revoke(token: string): Promise<void>;
}
