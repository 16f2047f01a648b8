import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHashRing, keysMoved, moduloPlacement, type Placement, RingError } from '../src/index.ts';

const authorKeys = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ key: String(index + 1) }));
const byTable = (table: Record<string, string>): Placement => ({ nodeFor: (key) => table[key] as string });

describe('keysMoved', () => {
  it('When some keys change node, then it sums their weights, counting a key without weight as 1', () => {
    const before = byTable({ a: 'shard1', b: 'shard1', c: 'shard2' });
    const after = byTable({ a: 'shard1', b: 'shard2', c: 'shard3' });
    const keys = [{ key: 'a', weight: 5 }, { key: 'b', weight: 3 }, { key: 'c' }];
    expect(keysMoved(keys, before, after)).toEqual({ moved: 4, total: 9, fraction: 4 / 9 });
  });

  it('When there are no keys, then nothing moved and the fraction is 0', () => {
    expect(keysMoved([], byTable({}), byTable({}))).toEqual({ moved: 0, total: 0, fraction: 0 });
  });

  it('When a weight is negative or not a number, then it throws RING_WEIGHT_INVALID', () => {
    const same = byTable({ a: 'shard1' });
    for (const weight of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => keysMoved([{ key: 'a', weight }], same, same)).toThrow(
        expect.objectContaining({ code: 'RING_WEIGHT_INVALID' }),
      );
    }
    expect(() => keysMoved([{ key: 'a', weight: -1 }], same, same)).toThrow(RingError);
  });

  it('When a node is added to n nodes, then the ring moves about 1/(n+1) of the keys and modulo about n/(n+1)', () => {
    const keys = authorKeys(20_000);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), (count) => {
        const nodes = Array.from({ length: count }, (_, index) => `shard${index + 1}`);
        const added = `shard${count + 1}`;
        const ring = createHashRing({ nodes });
        const ringMoved = keysMoved(keys, ring, ring.with(added)).fraction;
        const moduloMoved = keysMoved(
          keys,
          moduloPlacement(nodes),
          moduloPlacement([...nodes, added]),
        ).fraction;
        expect(ringMoved).toBeGreaterThan(0.6 / (count + 1));
        expect(ringMoved).toBeLessThan(1.5 / (count + 1));
        expect(moduloMoved).toBeGreaterThan(0.95 * (count / (count + 1)));
      }),
      { numRuns: 7 },
    );
  });
});

describe('moduloPlacement', () => {
  it('When asked for a key, then it always names one of its nodes, the same one every time', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 8 }),
        fc.string(),
        (nodes, key) => {
          const placement = moduloPlacement(nodes);
          expect(nodes).toContain(placement.nodeFor(key));
          expect(moduloPlacement(nodes).nodeFor(key)).toBe(placement.nodeFor(key));
        },
      ),
    );
  });

  it('When given no nodes, then it throws RING_EMPTY', () => {
    expect(() => moduloPlacement([])).toThrow(expect.objectContaining({ code: 'RING_EMPTY' }));
  });
});
