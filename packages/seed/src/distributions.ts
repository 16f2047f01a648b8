import type { Random } from './prng.ts';

/** Draws ranks 0..n-1 with probability proportional to 1/(rank+1)^exponent (rank 0 is the most popular). */
export interface ZipfSampler {
  sample(random: Random): number;
  /** The probability of one rank: used to give each item its expected share directly. */
  probability(rank: number): number;
}

export function zipf(n: number, exponent: number): ZipfSampler {
  if (n < 1) throw new Error(`A Zipf distribution needs at least one item, got ${n}.`);
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / (rank + 1) ** exponent;
    cumulative[rank] = total;
  }
  return {
    sample(random) {
      const target = random.next() * total;
      let low = 0;
      let high = n - 1;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((cumulative[middle] as number) < target) low = middle + 1;
        else high = middle;
      }
      return low;
    },
    probability: (rank) => 1 / (rank + 1) ** exponent / total,
  };
}

/**
 * Splits `total` events over n items by Zipf rank. Each item gets its expected share, with the fractional part
 * resolved by a coin flip, so the sum stays close to `total` and each count is capped at `cap`.
 */
export function zipfCounts(
  n: number,
  exponent: number,
  total: number,
  cap: number,
  random: Random,
): Int32Array {
  const distribution = zipf(n, exponent);
  const counts = new Int32Array(n);
  for (let rank = 0; rank < n; rank++) {
    const expected = total * distribution.probability(rank);
    const whole = Math.floor(expected);
    counts[rank] = Math.min(cap, whole + (random.next() < expected - whole ? 1 : 0));
  }
  return counts;
}

/** Picks k distinct integers from 0..n-1 (Floyd's algorithm: O(k) time and memory, whatever n is). */
export function distinctSample(n: number, k: number, random: Random): number[] {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const candidate = random.int(0, j);
    chosen.add(chosen.has(candidate) ? j : candidate);
  }
  return [...chosen];
}
