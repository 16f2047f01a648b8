export { RingError, type RingErrorCode } from './errors.ts';
export { createHashRing, defaultVirtualNodes, type HashRing, type HashRingOptions } from './hash-ring.ts';
export { type KeysMoved, keysMoved, type WeightedKey } from './keys-moved.ts';
export { keysMovedTable } from './keys-moved-table.ts';
export { type KeysMovedMeasurement, type KeysMovedOptions, measureKeysMoved } from './measure-keys-moved.ts';
export { moduloPlacement } from './modulo-placement.ts';
export type { Placement } from './placement.ts';
export { type SeedShape, seededAuthors } from './seeded-authors.ts';
