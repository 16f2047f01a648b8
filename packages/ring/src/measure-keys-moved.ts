import { defaultSeed } from '@scaling/seed';
import { createHashRing, defaultVirtualNodes } from './hash-ring.ts';
import { type KeysMoved, keysMoved } from './keys-moved.ts';
import { moduloPlacement } from './modulo-placement.ts';
import type { Placement } from './placement.ts';
import { type SeedShape, seededAuthors } from './seeded-authors.ts';

export interface KeysMovedOptions extends SeedShape {
  virtualNodes?: number;
  /** The shards before; default shard1..shard3, as stage 6 starts. */
  nodes?: readonly string[];
  /** The shard added; default shard4, as `pnpm stack reshard 6 --add shard4`. */
  added?: string;
}

export interface KeysMovedMeasurement {
  seed: number;
  scale: number;
  virtualNodes: number;
  nodes: readonly string[];
  added: string;
  /** What a perfect placement moves: the new shard's fair share, 1/(n+1). */
  ideal: number;
  /** Per placement: authors moved (each counts 1) and rows moved (each author weighted by their rows). */
  ring: { authors: KeysMoved; rows: KeysMoved };
  modulo: { authors: KeysMoved; rows: KeysMoved };
  /** The author with the most rows and their share of all rows: a key never splits, so it moves whole. */
  heaviestAuthor: { key: string; fraction: number };
}

/** Keys moved when one shard joins, consistent hashing against hash mod n, on the seed generator's authors. */
export function measureKeysMoved(options: KeysMovedOptions): KeysMovedMeasurement {
  const virtualNodes = options.virtualNodes ?? defaultVirtualNodes;
  const nodes = options.nodes ?? ['shard1', 'shard2', 'shard3'];
  const added = options.added ?? 'shard4';
  const authors = seededAuthors(options);
  const unweighted = authors.map(({ key }) => ({ key }));
  const ring = createHashRing({ nodes, virtualNodes });
  const totalRows = authors.reduce((total, author) => total + (author.weight ?? 1), 0);
  const heaviest = authors.reduce((top, author) => ((author.weight ?? 1) > (top.weight ?? 1) ? author : top));
  const compare = (before: Placement, after: Placement) => ({
    authors: keysMoved(unweighted, before, after),
    rows: keysMoved(authors, before, after),
  });
  return {
    seed: options.seed ?? defaultSeed,
    scale: options.scale,
    virtualNodes,
    nodes,
    added,
    ideal: 1 / (nodes.length + 1),
    ring: compare(ring, ring.with(added)),
    modulo: compare(moduloPlacement(nodes), moduloPlacement([...nodes, added])),
    heaviestAuthor: { key: heaviest.key, fraction: (heaviest.weight ?? 1) / totalRows },
  };
}
