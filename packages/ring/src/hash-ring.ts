import { RingError } from './errors.ts';
import { hashKey } from './hash.ts';
import { checkedNodeNames } from './node-names.ts';
import type { Placement } from './placement.ts';

export interface HashRing extends Placement {
  readonly nodes: readonly string[];
  readonly virtualNodes: number;
  /** A new ring with one more node; this one is unchanged. */
  with(node: string): HashRing;
  /** A new ring without the node; this one is unchanged. */
  without(node: string): HashRing;
}

export interface HashRingOptions {
  nodes: readonly string[];
  /** Points per node on the ring; more points, a more even split (see the README for the measured bound). */
  virtualNodes?: number;
}

export const defaultVirtualNodes = 128;
const maxVirtualNodes = 4096;

/**
 * Consistent hashing: every node owns `virtualNodes` points on a 48-bit circle, and a key belongs to the first
 * point at or after its own hash. Adding a node only takes over the arcs in front of its new points, so only
 * about 1/(n+1) of the keys move, all of them to the new node; the points depend only on the node names, so
 * the order of `nodes` does not matter.
 */
export function createHashRing(options: HashRingOptions): HashRing {
  const virtualNodes = options.virtualNodes ?? defaultVirtualNodes;
  if (!Number.isInteger(virtualNodes) || virtualNodes < 1 || virtualNodes > maxVirtualNodes) {
    throw new RingError(
      'RING_VIRTUAL_NODES_INVALID',
      `virtualNodes must be an integer from 1 to ${maxVirtualNodes}, got ${virtualNodes}.`,
    );
  }
  const nodes = checkedNodeNames(options.nodes);
  const { points, owners } = layOut(nodes, virtualNodes);

  return {
    nodes,
    virtualNodes,
    nodeFor(key) {
      if (points.length === 0) {
        throw new RingError('RING_EMPTY', 'The ring has no nodes; add at least one before placing keys.');
      }
      return owners[firstPointAtOrAfter(points, hashKey(key)) % points.length] as string;
    },
    with(node) {
      return createHashRing({ nodes: [...nodes, node], virtualNodes });
    },
    without(node) {
      if (!nodes.includes(node)) {
        throw new RingError(
          'RING_NODE_UNKNOWN',
          `The ring has no node ${JSON.stringify(node)}; its nodes are ${JSON.stringify(nodes)}.`,
        );
      }
      return createHashRing({ nodes: nodes.filter((name) => name !== node), virtualNodes });
    },
  };
}

/** Sorted points and, at the same index, the node owning each; ties (never seen at 48 bits) go by name. */
function layOut(nodes: readonly string[], virtualNodes: number) {
  const entries: Array<{ point: number; node: string }> = [];
  for (const node of nodes) {
    // The label scheme is part of the placement: changing it would move nearly every key on a live cluster.
    for (let index = 0; index < virtualNodes; index++)
      entries.push({ point: hashKey(`${node}#${index}`), node });
  }
  entries.sort((a, b) => a.point - b.point || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return {
    points: Float64Array.from(entries, (entry) => entry.point),
    owners: entries.map((entry) => entry.node),
  };
}

/** Binary search: the index of the first point >= hash, or points.length when the key wraps past the last one. */
function firstPointAtOrAfter(points: Float64Array, hash: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((points[middle] as number) < hash) low = middle + 1;
    else high = middle;
  }
  return low;
}
