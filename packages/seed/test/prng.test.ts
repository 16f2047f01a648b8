import { describe, expect, it } from 'vitest';
import { distinctSample, zipf, zipfCounts } from '../src/distributions.ts';
import { mulberry32, permutation, stream } from '../src/prng.ts';

describe('mulberry32', () => {
  it('When two generators share a seed, then they produce the same sequence', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(first);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(first);
  });

  it('When drawing many floats and integers, then they stay in range and spread evenly', () => {
    const random = mulberry32(7);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const value = random.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      buckets[Math.floor(value * 10)]++;
    }
    for (const count of buckets) expect(count).toBeGreaterThan(9_000);
    const ints = new Set(Array.from({ length: 1_000 }, () => random.int(3, 5)));
    expect([...ints].sort()).toEqual([3, 4, 5]);
  });

  it('When streams have different purposes, then their sequences differ', () => {
    expect(stream(1, 'users').next()).not.toEqual(stream(1, 'articles').next());
    expect(stream(1, 'users').next()).toEqual(stream(1, 'users').next());
  });

  it('When permuting, then every index appears exactly once', () => {
    const result = [...permutation(1_000, mulberry32(3))];
    expect(result).not.toEqual([...result].sort((x, y) => x - y));
    expect([...result].sort((x, y) => x - y)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
  });
});

describe('zipf', () => {
  it('When sampling with exponent 1, then the top 20% of ranks get about 80% of the draws', () => {
    const distribution = zipf(1_000, 1);
    const random = mulberry32(11);
    let top = 0;
    const draws = 100_000;
    for (let i = 0; i < draws; i++) if (distribution.sample(random) < 200) top++;
    expect(top / draws).toBeGreaterThan(0.7);
    expect(top / draws).toBeLessThan(0.9);
  });

  it('When spreading a total over ranks, then counts fall with rank, respect the cap and sum to about the total', () => {
    const counts = zipfCounts(500, 1, 5_000, 300, mulberry32(5));
    expect(counts[0]).toBe(300);
    expect(counts[1]).toBe(300);
    expect(counts[10]).toBeGreaterThan(counts[400] as number);
    const total = counts.reduce((sum, count) => sum + count, 0);
    expect(total).toBeGreaterThan(4_000);
    expect(total).toBeLessThan(5_000);
  });

  it('When picking k distinct values, then there are k, all distinct and in range', () => {
    const random = mulberry32(9);
    for (const [n, k] of [
      [10, 10],
      [1_000, 3],
      [50, 0],
    ] as const) {
      const sample = distinctSample(n, k, random);
      expect(sample).toHaveLength(k);
      expect(new Set(sample).size).toBe(k);
      for (const value of sample) expect(value >= 0 && value < n).toBe(true);
    }
  });
});
