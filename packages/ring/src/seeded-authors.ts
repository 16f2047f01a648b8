import { defaultSeed, makePlan } from '@scaling/seed';
import type { WeightedKey } from './keys-moved.ts';

export interface SeedShape {
  scale: number;
  seed?: number;
}

/**
 * Every author of the seeded dataset as a ring key, weighted by the rows that live on the author's shard and
 * so move with them: their articles plus the comments and favorites on those articles. Taken from the seed's
 * plan in memory (the same numbers `pnpm seed` loads, no database); ids are those of a seed with --reset,
 * user index + 1. Tag links (0-4 per article, drawn at load time) are left out: the plan does not hold them.
 */
export function seededAuthors(shape: SeedShape): WeightedKey[] {
  const plan = makePlan(shape.seed ?? defaultSeed, shape.scale);
  const rows = new Float64Array(plan.userCount);
  for (let article = 0; article < plan.articleCount; article++) {
    const author = plan.articleAuthor[article] as number;
    rows[author] =
      (rows[author] as number) +
      1 +
      (plan.favoriteCounts[article] as number) +
      (plan.commentCounts[article] as number);
  }
  const authors: WeightedKey[] = [];
  rows.forEach((weight, index) => {
    if (weight > 0) authors.push({ key: String(index + 1), weight });
  });
  return authors;
}
