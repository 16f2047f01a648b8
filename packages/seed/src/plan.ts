import { distinctSample, type ZipfSampler, zipf, zipfCounts } from './distributions.ts';
import { permutation, type Random, stream } from './prng.ts';
import { tagWords, words } from './words.ts';

/** Volume per unit of scale: scale 1 is about 2,000 users and 10,000 articles, and everything grows linearly. */
export const perScale = {
  users: 2_000,
  articles: 10_000,
  followsPerUser: 15,
  favoritesPerArticle: 4,
  commentsPerArticle: 3,
};

/** Skew of each distribution: an exponent near 1 puts about 80% of the events on the top 20% of items. */
const exponents = { followers: 1.0, authorship: 0.8, favorites: 1.0, comments: 1.0, tags: 1.1 };

export const seedEmailDomain = 'seed.conduit';
export const seedPassword = 'password123';
/** Articles span two years before this fixed instant, so the data never depends on when it was generated. */
export const seedEpoch = Date.parse('2025-01-01T00:00:00Z');
export const seedSpanMs = 2 * 365 * 24 * 3600 * 1000;

export function username(userIndex: number): string {
  return `user${userIndex + 1}`;
}

export function email(userIndex: number): string {
  return `${username(userIndex)}@${seedEmailDomain}`;
}

/**
 * Everything about the dataset that is cheap to know up front: sizes, names, slugs, and how popular each user,
 * article and tag is. The bench regenerates it to aim its Zipf-skewed reads at the same hot articles.
 */
export interface SeedPlan {
  seed: number;
  scale: number;
  userCount: number;
  articleCount: number;
  /** userByRank[0] is the user with the most followers. */
  userByRank: Int32Array;
  followerCounts: Int32Array;
  articleAuthor: Int32Array;
  articleTitles: string[];
  articleSlugs: string[];
  /** articleByRank[0] is the most favorited and commented article. */
  articleByRank: Int32Array;
  favoriteCounts: Int32Array;
  commentCounts: Int32Array;
  /** Tag names in Zipf rank order: tags[0] is the most used. */
  tags: string[];
}

export function makePlan(seed: number, scale: number): SeedPlan {
  if (!(scale > 0)) throw new Error(`The scale must be a positive number, got ${scale}.`);
  const userCount = Math.max(10, Math.round(perScale.users * scale));
  const articleCount = Math.max(10, Math.round(perScale.articles * scale));

  const userByRank = permutation(userCount, stream(seed, 'user-rank'));
  const followerCounts = new Int32Array(userCount);
  const followerCountsByRank = zipfCounts(
    userCount,
    exponents.followers,
    perScale.followsPerUser * userCount,
    userCount - 1,
    stream(seed, 'follower-counts'),
  );
  for (let rank = 0; rank < userCount; rank++) {
    followerCounts[userByRank[rank] as number] = followerCountsByRank[rank] as number;
  }

  // Popular users also write more, which makes feeds of typical users fuller.
  const authorship = zipf(userCount, exponents.authorship);
  const authorRandom = stream(seed, 'authors');
  const titleRandom = stream(seed, 'titles');
  const articleAuthor = new Int32Array(articleCount);
  const articleTitles: string[] = [];
  const articleSlugs: string[] = [];
  for (let index = 0; index < articleCount; index++) {
    articleAuthor[index] = userByRank[authorship.sample(authorRandom)] as number;
    const title = sentence(titleRandom, 3, 8, false);
    articleTitles.push(title);
    articleSlugs.push(`${slugify(title)}-${index + 1}`);
  }

  const articleByRank = permutation(articleCount, stream(seed, 'article-rank'));
  const favoriteCounts = byIndex(
    articleByRank,
    zipfCounts(
      articleCount,
      exponents.favorites,
      perScale.favoritesPerArticle * articleCount,
      userCount,
      stream(seed, 'favorite-counts'),
    ),
  );
  const commentCounts = byIndex(
    articleByRank,
    zipfCounts(
      articleCount,
      exponents.comments,
      perScale.commentsPerArticle * articleCount,
      Number.MAX_SAFE_INTEGER,
      stream(seed, 'comment-counts'),
    ),
  );

  const tagCount = Math.round(60 + 40 * Math.sqrt(scale));
  const tags = Array.from({ length: tagCount }, (_, index) =>
    index < tagWords.length
      ? (tagWords[index] as string)
      : `${tagWords[index % tagWords.length]}-${Math.floor(index / tagWords.length)}`,
  );

  return {
    seed,
    scale,
    userCount,
    articleCount,
    userByRank,
    followerCounts,
    articleAuthor,
    articleTitles,
    articleSlugs,
    articleByRank,
    favoriteCounts,
    commentCounts,
    tags,
  };
}

/** The tags of one article: 0 to 4 distinct, drawn by Zipf rank. */
export function articleTags(plan: SeedPlan, tagUsage: ZipfSampler, random: Random): number[] {
  const wanted = Math.min(plan.tags.length, random.pick([0, 1, 2, 2, 3, 3, 4]));
  const chosen = new Set<number>();
  while (chosen.size < wanted) chosen.add(tagUsage.sample(random));
  return [...chosen];
}

export function tagUsage(plan: SeedPlan): ZipfSampler {
  return zipf(plan.tags.length, exponents.tags);
}

/** The followers of one user: their count comes from the plan, who they are is uniform. */
export function followers(plan: SeedPlan, userIndex: number, random: Random): number[] {
  const count = plan.followerCounts[userIndex] as number;
  // Sample among everyone but the user, then shift indexes past the user.
  return distinctSample(plan.userCount - 1, count, random).map((other) =>
    other >= userIndex ? other + 1 : other,
  );
}

export function favoriters(plan: SeedPlan, articleIndex: number, random: Random): number[] {
  return distinctSample(plan.userCount, plan.favoriteCounts[articleIndex] as number, random);
}

export function bioFor(random: Random): string | null {
  return random.next() < 0.6 ? sentence(random, 6, 16, true) : null;
}

export function imageFor(userIndex: number, random: Random): string | null {
  return random.next() < 0.5 ? `https://api.realworld.io/images/avatars/${username(userIndex)}.jpg` : null;
}

export function paragraphs(random: Random, minimum: number, maximum: number): string {
  const count = random.int(minimum, maximum);
  const result: string[] = [];
  for (let p = 0; p < count; p++) {
    const sentences: string[] = [];
    const sentenceCount = random.int(2, 6);
    for (let s = 0; s < sentenceCount; s++) sentences.push(sentence(random, 5, 18, true));
    result.push(sentences.join(' '));
  }
  return result.join('\n\n');
}

export function sentence(random: Random, minimum: number, maximum: number, period: boolean): string {
  const count = random.int(minimum, maximum);
  const chosen: string[] = [];
  for (let i = 0; i < count; i++) chosen.push(random.pick(words));
  const text = chosen.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${period ? '.' : ''}`;
}

function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function byIndex(byRank: Int32Array, countsByRank: Int32Array): Int32Array {
  const counts = new Int32Array(byRank.length);
  for (let rank = 0; rank < byRank.length; rank++)
    counts[byRank[rank] as number] = countsByRank[rank] as number;
  return counts;
}
