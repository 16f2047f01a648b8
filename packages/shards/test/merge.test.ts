import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergePage, newestFirst, type Recent } from '../src/index.ts';

/** Rows with distinct ids and creation times drawn from a small range, so equal times (ties on id) happen often. */
const rows = fc
  .uniqueArray(fc.integer({ min: 1, max: 10_000 }), { maxLength: 60 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.array(fc.integer({ min: 0, max: 20 }), { minLength: ids.length, maxLength: ids.length }),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: ids.length, maxLength: ids.length }),
    ),
  )
  .map(([ids, times, shards]) =>
    ids.map((id, index) => ({
      id,
      created_at: new Date(1_700_000_000_000 + (times[index] as number) * 1000),
      shard: shards[index] as number,
    })),
  );

const page = fc.record({ offset: fc.integer({ min: 0, max: 70 }), limit: fc.integer({ min: 1, max: 30 }) });

/** What each shard answers: its own rows newest first, no more than offset + limit of them. */
function perShard(all: readonly (Recent & { shard: number })[], wanted: number): Recent[][] {
  return [0, 1, 2, 3].map((shard) =>
    all
      .filter((row) => row.shard === shard)
      .sort(newestFirst)
      .slice(0, wanted),
  );
}

describe('the k-way merge of shard pages', () => {
  it('When shards answer their first offset + limit rows, then the merged page equals that page of one sorted list', () => {
    fc.assert(
      fc.property(rows, page, (all, { offset, limit }) => {
        const merged = mergePage(perShard(all, offset + limit), { offset, limit });
        const expected = [...all].sort(newestFirst).slice(offset, offset + limit);
        expect(merged.map((row) => row.id)).toEqual(expected.map((row) => row.id));
      }),
    );
  });

  it('When a row is on two shards at once (an author mid-move), then the page holds it once and stays a sorted list', () => {
    fc.assert(
      fc.property(rows, page, fc.integer({ min: 0, max: 59 }), (all, { offset, limit }, pick) => {
        fc.pre(all.length > 0);
        const copied = all[pick % all.length] as Recent & { shard: number };
        const copy = { ...copied, shard: (copied.shard + 1) % 4 };
        const merged = mergePage(perShard([...all, copy], offset + limit), { offset, limit });
        const expected = [...all].sort(newestFirst).slice(offset, offset + limit);
        expect(merged.map((row) => row.id)).toEqual(expected.map((row) => row.id));
      }),
    );
  });
});
