/**
 * Removes from the edge caches every response filed under any of `keys` (their `Surrogate-Key` header), after a
 * write committed. Never throws: an edge that cannot be reached keeps its copies until their s-maxage runs out,
 * which is the staleness the TTL already accepts, and the write itself has succeeded.
 */
export interface EdgePurger {
  purge(keys: readonly string[]): Promise<void>;
}
