import { RingError } from './errors.ts';

/** Bounds a node list: non-empty, unique, short names (they are hashed once per vnode and stored in tables). */
export function checkedNodeNames(nodes: readonly string[]): readonly string[] {
  if (nodes.length > 1024) {
    throw new RingError('RING_NODE_INVALID', `A ring holds at most 1024 nodes, got ${nodes.length}.`);
  }
  for (const node of nodes) {
    if (typeof node !== 'string' || node.length === 0 || node.length > 200) {
      throw new RingError(
        'RING_NODE_INVALID',
        `Node names must be non-empty strings of at most 200 characters, got ${JSON.stringify(node)}.`,
      );
    }
  }
  if (new Set(nodes).size !== nodes.length) {
    throw new RingError(
      'RING_NODE_DUPLICATE',
      `Each node may appear once in a ring; remove the duplicates from ${JSON.stringify(nodes)}.`,
    );
  }
  return Object.freeze([...nodes]);
}
