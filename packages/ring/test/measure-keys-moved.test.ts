import { makePlan } from '@scaling/seed';
import { describe, expect, it } from 'vitest';
import { createHashRing, keysMovedTable, measureKeysMoved, seededAuthors } from '../src/index.ts';

const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);
const shape = { scale: 0.2, seed: 3 };

describe('seededAuthors', () => {
  it("When weighted, then the authors' rows add up to the plan's articles, favorites and comments", () => {
    const plan = makePlan(shape.seed, shape.scale);
    const authors = seededAuthors(shape);
    expect(sum(authors.map((author) => author.weight ?? 1))).toBe(
      plan.articleCount + sum(plan.favoriteCounts) + sum(plan.commentCounts),
    );
    expect(new Set(authors.map((author) => author.key)).size).toBe(new Set(plan.articleAuthor).size);
  });
});

describe('measureKeysMoved', () => {
  it('When shard4 joins three shards, then the ring moves exactly the rows it gives shard4, and fewer than modulo', () => {
    const measurement = measureKeysMoved(shape);
    const ring = createHashRing({ nodes: ['shard1', 'shard2', 'shard3', 'shard4'] });
    const onShard4 = seededAuthors(shape).filter((author) => ring.nodeFor(author.key) === 'shard4');
    expect(measurement.ring.rows.moved).toBe(sum(onShard4.map((author) => author.weight ?? 1)));
    expect(measurement.ring.authors.moved).toBe(onShard4.length);
    expect(measurement.ring.rows.fraction).toBeLessThan(measurement.modulo.rows.fraction);
    expect(measurement.ring.authors.fraction).toBeLessThan(measurement.modulo.authors.fraction);
    expect(measurement.ideal).toBe(0.25);
  });

  it('When run twice on the same seed and scale, then it measures the same, and the table shows both placements', () => {
    const measurement = measureKeysMoved(shape);
    expect(measureKeysMoved(shape)).toEqual(measurement);
    const table = keysMovedTable(measurement);
    expect(table).toContain(`${(measurement.ring.rows.fraction * 100).toFixed(1)}%`);
    expect(table).toContain(`${(measurement.modulo.rows.fraction * 100).toFixed(1)}%`);
  });
});
