import { describe, expect, it } from 'vitest';
import { exponentialBackoff } from '../src/index.ts';

describe('exponentialBackoff', () => {
  it('When attempts keep failing, then the delay doubles from one second up to a fifteen-minute cap', () => {
    expect([1, 2, 3, 4].map(exponentialBackoff)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(exponentialBackoff(30)).toBe(15 * 60_000);
  });
});
