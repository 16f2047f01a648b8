import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idRangeOf, maxShardNumber, shardNumber } from '../src/index.ts';

describe('per-shard id ranges', () => {
  it('When any two shards draw ids, then their ranges never overlap and every id stays below 2^53', () => {
    const shard = fc.integer({ min: 1, max: maxShardNumber }).map((n) => `shard${n}`);
    fc.assert(
      fc.property(shard, shard, (a, b) => {
        const [first, second] = [idRangeOf(a), idRangeOf(b)];
        expect(second.last).toBeLessThan(2 ** 53);
        expect(Number.isSafeInteger(second.last)).toBe(true);
        if (a !== b) expect(first.last < second.first || second.last < first.first).toBe(true);
      }),
    );
  });

  it('When a name is not shard<N> within the range, then it is refused with a code', () => {
    for (const name of ['shard0', 'shard8192', 'primary', 'shard-1', 'shard']) {
      expect(() => shardNumber(name)).toThrow(expect.objectContaining({ code: 'SHARD_INVALID_NAME' }));
    }
  });
});
