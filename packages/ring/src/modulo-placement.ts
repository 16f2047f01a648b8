import { RingError } from './errors.ts';
import { hashKey } from './hash.ts';
import { checkedNodeNames } from './node-names.ts';
import type { Placement } from './placement.ts';

/**
 * The baseline a ring is compared with: hash(key) mod n over the nodes in the given order. Spread is as even as
 * the hash, but changing n reassigns almost every key (about n/(n+1) of them), which is what the ring avoids.
 */
export function moduloPlacement(nodes: readonly string[]): Placement {
  const names = checkedNodeNames(nodes);
  if (names.length === 0) {
    throw new RingError('RING_EMPTY', 'A modulo placement needs at least one node; pass the shard names.');
  }
  return { nodeFor: (key) => names[hashKey(key) % names.length] as string };
}
