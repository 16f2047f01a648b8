import { describe, expect, it } from 'vitest';
import { makePlan } from '../src/plan.ts';

const sum = (values: Int32Array) => values.reduce((total, value) => total + value, 0);

describe('makePlan', () => {
  it('When made twice with the same seed and scale, then it is identical; another seed differs', () => {
    const a = makePlan(1, 0.2);
    expect(makePlan(1, 0.2)).toEqual(a);
    expect(makePlan(2, 0.2).articleSlugs).not.toEqual(a.articleSlugs);
  });

  it('When the scale grows, then the volume grows linearly', () => {
    const one = makePlan(1, 1);
    expect(one.userCount).toBe(2_000);
    expect(one.articleCount).toBe(10_000);
    expect(makePlan(1, 2).articleCount).toBe(20_000);
  });

  it('When planned, then the top 20% of articles hold at least 70% of favorites and comments', () => {
    const plan = makePlan(4, 1);
    for (const counts of [plan.favoriteCounts, plan.commentCounts]) {
      const sorted = [...counts].sort((x, y) => y - x);
      const top = sorted.slice(0, sorted.length / 5).reduce((total, value) => total + value, 0);
      expect(top / sum(counts)).toBeGreaterThanOrEqual(0.7);
    }
  });

  it('When planned, then follower counts are heavy-tailed: the maximum far above the median', () => {
    const plan = makePlan(4, 1);
    const sorted = [...plan.followerCounts].sort((x, y) => x - y);
    const median = sorted[sorted.length >> 1] as number;
    expect(sorted.at(-1)).toBeGreaterThan(100 * Math.max(1, median));
    expect(sorted.at(-1)).toBeLessThan(plan.userCount);
  });

  it('When planned, then slugs are unique and favorites never exceed the number of users', () => {
    const plan = makePlan(3, 0.5);
    expect(new Set(plan.articleSlugs).size).toBe(plan.articleCount);
    expect(Math.max(...plan.favoriteCounts)).toBeLessThanOrEqual(plan.userCount);
  });
});
