import { RingError } from './errors.ts';
import type { Placement } from './placement.ts';

export interface WeightedKey {
  key: string;
  /** What moves with the key, e.g. an author's rows; 1 when omitted. */
  weight?: number;
}

export interface KeysMoved {
  moved: number;
  total: number;
  /** moved / total, 0 when there is nothing. */
  fraction: number;
}

/** How much data a change of placement moves: the weight of every key whose node differs before and after. */
export function keysMoved(keys: Iterable<WeightedKey>, before: Placement, after: Placement): KeysMoved {
  let moved = 0;
  let total = 0;
  for (const { key, weight = 1 } of keys) {
    if (!(Number.isFinite(weight) && weight >= 0)) {
      throw new RingError(
        'RING_WEIGHT_INVALID',
        `Key ${key} has weight ${weight}; give a finite weight >= 0.`,
      );
    }
    total += weight;
    if (before.nodeFor(key) !== after.nodeFor(key)) moved += weight;
  }
  return { moved, total, fraction: total === 0 ? 0 : moved / total };
}
