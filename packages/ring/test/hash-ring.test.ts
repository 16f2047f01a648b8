import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashKey } from '../src/hash.ts';
import { createHashRing, type HashRing, RingError } from '../src/index.ts';

/** Author ids as the shard router sees them: sequential integers as strings. */
const authorKeys = (count: number) => Array.from({ length: count }, (_, index) => String(index + 1));
const nodeName = fc.string({ minLength: 1, maxLength: 12 });
const nodeNames = (minLength: number, maxLength: number) =>
  fc.uniqueArray(nodeName, { minLength, maxLength });
const placements = (ring: HashRing, keys: string[]) => keys.map((key) => ring.nodeFor(key));

describe('createHashRing', () => {
  it('When built from the same nodes in any order, then every key lands on the same node', () => {
    fc.assert(
      fc.property(
        nodeNames(1, 8).chain((nodes) =>
          fc.tuple(fc.constant(nodes), fc.shuffledSubarray(nodes, { minLength: nodes.length })),
        ),
        fc.array(fc.string(), { maxLength: 50 }),
        ([nodes, shuffled], keys) => {
          const ring = createHashRing({ nodes });
          expect(placements(createHashRing({ nodes: shuffled }), keys)).toEqual(placements(ring, keys));
          expect(placements(ring, keys)).toEqual(placements(ring, keys));
        },
      ),
    );
  });

  it('When the placement of known authors is asked, then it is the one every process and release has used', () => {
    // Pinned: a change of hash or vnode labels would silently move most authors of a live cluster.
    const ring = createHashRing({ nodes: ['shard1', 'shard2', 'shard3'] });
    expect(placements(ring, ['1', '5', '6', '7', '12'])).toEqual([
      'shard3',
      'shard1',
      'shard2',
      'shard3',
      'shard1',
    ]);
    expect(placements(ring.with('shard4'), ['1', '5', '6', '7', '12'])).toEqual([
      'shard3',
      'shard1',
      'shard2',
      'shard4',
      'shard4',
    ]);
  });

  it('When a key is placed, then it goes to the first vnode point at or after its hash, wrapping past the last', () => {
    // A linear scan over every point as the model of the ring's binary search, wrap-around included.
    const modelNodeFor = (nodes: string[], virtualNodes: number, key: string) => {
      const points = nodes.flatMap((node) =>
        Array.from({ length: virtualNodes }, (_, index) => ({ point: hashKey(`${node}#${index}`), node })),
      );
      const first = (candidates: typeof points) =>
        candidates.reduce((best, entry) => (entry.point < best.point ? entry : best));
      const ahead = points.filter((entry) => entry.point >= hashKey(key));
      return first(ahead.length > 0 ? ahead : points).node;
    };
    fc.assert(
      fc.property(
        nodeNames(1, 5),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.string(), { maxLength: 40 }),
        (nodes, virtualNodes, keys) => {
          const ring = createHashRing({ nodes, virtualNodes });
          for (const key of keys) expect(ring.nodeFor(key)).toBe(modelNodeFor(nodes, virtualNodes, key));
        },
      ),
    );
  });

  it('When a node is added, then only keys that now belong to the new node move, and the old ring is unchanged', () => {
    const keys = authorKeys(2_000);
    fc.assert(
      fc.property(nodeNames(2, 9), fc.integer({ min: 1, max: 256 }), (names, virtualNodes) => {
        const [added, ...nodes] = names as [string, ...string[]];
        const ring = createHashRing({ nodes, virtualNodes });
        const before = placements(ring, keys);
        const grown = ring.with(added);
        keys.forEach((key, index) => {
          const after = grown.nodeFor(key);
          if (after !== before[index]) expect(after).toBe(added);
        });
        expect(placements(ring, keys)).toEqual(before);
        expect(ring.nodes).toEqual(nodes);
      }),
      { numRuns: 40 },
    );
  });

  it('When a node is removed, then only its keys move, and adding it back restores every placement', () => {
    const keys = authorKeys(2_000);
    fc.assert(
      fc.property(
        nodeNames(2, 8).chain((nodes) => fc.tuple(fc.constant(nodes), fc.constantFrom(...nodes))),
        ([nodes, removed]) => {
          const ring = createHashRing({ nodes });
          const shrunk = ring.without(removed);
          for (const key of keys) {
            const before = ring.nodeFor(key);
            if (before !== removed) expect(shrunk.nodeFor(key)).toBe(before);
            else expect(shrunk.nodeFor(key)).not.toBe(removed);
          }
          expect(placements(shrunk.with(removed), keys)).toEqual(placements(ring, keys));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('When 2 to 8 nodes share 128 vnodes each, then every node holds between 0.6 and 1.5 times its fair share', () => {
    // The bound the README states; the worst exact share over 2,000 random sets of 2 to 16 nodes was 0.73 to 1.38.
    const keys = authorKeys(20_000);
    fc.assert(
      fc.property(nodeNames(2, 8), (nodes) => {
        const ring = createHashRing({ nodes });
        const counts = new Map(nodes.map((node) => [node, 0]));
        for (const key of keys) {
          const node = ring.nodeFor(key);
          counts.set(node, (counts.get(node) as number) + 1);
        }
        const fair = keys.length / nodes.length;
        for (const count of counts.values()) {
          expect(count / fair).toBeGreaterThanOrEqual(0.6);
          expect(count / fair).toBeLessThanOrEqual(1.5);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('When built without virtualNodes, then it uses 128', () => {
    expect(createHashRing({ nodes: ['a'] }).virtualNodes).toBe(128);
  });

  it.each([
    ['duplicate nodes', () => createHashRing({ nodes: ['a', 'a'] }), 'RING_NODE_DUPLICATE'],
    ['an empty node name', () => createHashRing({ nodes: [''] }), 'RING_NODE_INVALID'],
    [
      '0 virtual nodes',
      () => createHashRing({ nodes: ['a'], virtualNodes: 0 }),
      'RING_VIRTUAL_NODES_INVALID',
    ],
    ['a node twice via with', () => createHashRing({ nodes: ['a'] }).with('a'), 'RING_NODE_DUPLICATE'],
    ['removing an unknown node', () => createHashRing({ nodes: ['a'] }).without('b'), 'RING_NODE_UNKNOWN'],
    [
      'a key on an empty ring',
      () =>
        createHashRing({ nodes: ['a'] })
          .without('a')
          .nodeFor('1'),
      'RING_EMPTY',
    ],
  ])('When given %s, then it throws a RingError with a stable code', (_, act, code) => {
    expect(act).toThrow(RingError);
    expect(act).toThrow(expect.objectContaining({ code }));
  });
});
