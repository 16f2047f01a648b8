/** Where a key (an author id as a string) lives: the name of one node (a shard). */
export interface Placement {
  nodeFor(key: string): string;
}
