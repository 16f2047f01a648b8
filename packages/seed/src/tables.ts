import {
  articleTags,
  bioFor,
  email,
  favoriters,
  followers,
  imageFor,
  paragraphs,
  type SeedPlan,
  seedEpoch,
  seedSpanMs,
  sentence,
  tagUsage,
  username,
} from './plan.ts';
import { stream } from './prng.ts';

export type Cell = string | number | null;

/** One table's rows, generated lazily so that large scales never hold a whole table in memory. */
export interface TableLoad {
  table: string;
  columns: string[];
  /** Undefined when the count is only known once generated. */
  total: number | undefined;
  rows(): Iterable<Cell[]>;
}

/** The ids already taken in each table, so a seed next to existing rows never collides with them. */
export interface IdOffsets {
  users: number;
  articles: number;
  tags: number;
  /** Tags that already exist are reused by name rather than duplicated. */
  existingTags: Map<string, number>;
}

export function tableLoads(plan: SeedPlan, offsets: IdOffsets, passwordHash: string): TableLoad[] {
  const userId = (index: number) => offsets.users + index + 1;
  const articleId = (index: number) => offsets.articles + index + 1;
  const articleTime = (index: number) =>
    seedEpoch - seedSpanMs + ((index + 0.5) * seedSpanMs) / plan.articleCount;
  const laterThan = (start: number, fraction: number) => iso(start + fraction * (seedEpoch - start));
  const newTags: Cell[][] = [];
  const tagIds = plan.tags.map((name) => {
    const existing = offsets.existingTags.get(name);
    if (existing !== undefined) return existing;
    const id = offsets.tags + newTags.length + 1;
    newTags.push([id, name]);
    return id;
  });
  return [
    {
      table: 'users',
      columns: ['id', 'username', 'email', 'password_hash', 'bio', 'image', 'created_at', 'updated_at'],
      total: plan.userCount,
      *rows() {
        const random = stream(plan.seed, 'users');
        for (let index = 0; index < plan.userCount; index++) {
          const created = iso(seedEpoch - 2 * seedSpanMs + index * 60_000);
          yield [
            userId(index),
            username(index),
            email(index),
            passwordHash,
            bioFor(random),
            imageFor(index, random),
            created,
            created,
          ];
        }
      },
    },
    {
      table: 'tags',
      columns: ['id', 'name'],
      total: newTags.length,
      rows: () => newTags,
    },
    {
      table: 'articles',
      columns: [
        'id',
        'slug',
        'title',
        'description',
        'body',
        'author_id',
        'favorites_count',
        'created_at',
        'updated_at',
      ],
      total: plan.articleCount,
      *rows() {
        const random = stream(plan.seed, 'article-texts');
        for (let index = 0; index < plan.articleCount; index++) {
          const created = iso(articleTime(index));
          yield [
            articleId(index),
            plan.articleSlugs[index] as string,
            plan.articleTitles[index] as string,
            sentence(random, 8, 20, true),
            paragraphs(random, 2, 6),
            userId(plan.articleAuthor[index] as number),
            plan.favoriteCounts[index] as number,
            created,
            created,
          ];
        }
      },
    },
    {
      table: 'article_tags',
      columns: ['article_id', 'tag_id'],
      total: undefined,
      *rows() {
        const random = stream(plan.seed, 'article-tags');
        const usage = tagUsage(plan);
        for (let index = 0; index < plan.articleCount; index++) {
          for (const tag of articleTags(plan, usage, random)) {
            yield [articleId(index), tagIds[tag] as number];
          }
        }
      },
    },
    {
      table: 'follows',
      columns: ['follower_id', 'followee_id', 'created_at'],
      total: sum(plan.followerCounts),
      *rows() {
        const random = stream(plan.seed, 'follows');
        for (let followee = 0; followee < plan.userCount; followee++) {
          for (const follower of followers(plan, followee, random)) {
            yield [userId(follower), userId(followee), laterThan(seedEpoch - seedSpanMs, random.next())];
          }
        }
      },
    },
    {
      table: 'favorites',
      columns: ['user_id', 'article_id', 'created_at'],
      total: sum(plan.favoriteCounts),
      *rows() {
        const random = stream(plan.seed, 'favorites');
        for (let index = 0; index < plan.articleCount; index++) {
          for (const user of favoriters(plan, index, random)) {
            yield [userId(user), articleId(index), laterThan(articleTime(index), random.next())];
          }
        }
      },
    },
    {
      table: 'comments',
      columns: ['article_id', 'author_id', 'body', 'created_at', 'updated_at'],
      total: sum(plan.commentCounts),
      *rows() {
        const random = stream(plan.seed, 'comments');
        for (let index = 0; index < plan.articleCount; index++) {
          const count = plan.commentCounts[index] as number;
          for (let c = 0; c < count; c++) {
            const created = laterThan(articleTime(index), random.next());
            const author = random.int(0, plan.userCount - 1);
            yield [articleId(index), userId(author), paragraphs(random, 1, 2), created, created];
          }
        }
      },
    },
  ];
}

function iso(epochMs: number): string {
  return new Date(Math.round(epochMs)).toISOString();
}

function sum(counts: Int32Array): number {
  let total = 0;
  for (const count of counts) total += count;
  return total;
}
