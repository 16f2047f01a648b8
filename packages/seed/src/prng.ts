/** A small seeded generator (mulberry32): the same seed always yields the same sequence, on every platform. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
  };
}

/**
 * An independent stream per purpose (users, articles, ...), so that changing how one table is generated
 * never shifts the data of another.
 */
export function stream(seed: number, purpose: string): Random {
  // FNV-1a over the purpose, mixed with the seed.
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < purpose.length; i++) {
    hash = Math.imul(hash ^ purpose.charCodeAt(i), 0x01000193);
  }
  return mulberry32(hash >>> 0);
}

/** A deterministic Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, random: Random): Int32Array {
  const result = new Int32Array(n);
  for (let i = 0; i < n; i++) result[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const swap = result[i] as number;
    result[i] = result[j] as number;
    result[j] = swap;
  }
  return result;
}
