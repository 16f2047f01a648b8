import { z } from 'zod';
import { maxLength, nameParameter, requiredObject, requiredText, tagList, timestamp } from './fields.ts';
import { profileSchema } from './profiles.ts';

export const newArticleRequestSchema = requiredObject({
  article: requiredObject({
    title: requiredText(maxLength.title),
    description: requiredText(maxLength.description),
    body: requiredText(maxLength.body),
    tagList: tagList().optional(),
  }),
});
export type NewArticleRequest = z.infer<typeof newArticleRequestSchema>;

/** Omitted fields stay unchanged; `tagList: []` removes every tag, `tagList: null` is rejected. */
export const updateArticleRequestSchema = requiredObject({
  article: requiredObject({
    title: requiredText(maxLength.title).optional(),
    description: requiredText(maxLength.description).optional(),
    body: requiredText(maxLength.body).optional(),
    tagList: tagList().optional(),
  }),
});
export type UpdateArticleRequest = z.infer<typeof updateArticleRequestSchema>;

export const articleSchema = z.object({
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  body: z.string(),
  tagList: z.array(z.string()),
  createdAt: timestamp(),
  updatedAt: timestamp(),
  favorited: z.boolean(),
  favoritesCount: z.number().int(),
  author: profileSchema,
});
export type Article = z.infer<typeof articleSchema>;

/** Spec v2: list and feed items carry no body. */
export const articleListItemSchema = articleSchema.omit({ body: true });
export type ArticleListItem = z.infer<typeof articleListItemSchema>;

export const singleArticleResponseSchema = z.object({ article: articleSchema });

export const multipleArticlesResponseSchema = z.object({
  articles: z.array(articleListItemSchema),
  articlesCount: z.number().int(),
});

export const slugParamsSchema = z.object({ slug: nameParameter() });

/** Caps a page so one request cannot ask the database for an unbounded result. */
export const maxPageSize = 100;

/**
 * Caps how deep a page may start. OFFSET reads and throws away every row before the page, so without a cap one
 * anonymous request could make the database walk the whole table; 10,000 rows (100 full pages, as deep as
 * anyone pages by hand) cost a few milliseconds. Deeper reading belongs to filters (tag, author), not paging.
 */
export const maxOffset = 10_000;

/**
 * A query integer: digits only, with an optional minus sign so that -1 reads "must be at least 0". Anything
 * else, an empty `offset=` included, is "must be an integer" (Number('') would be 0).
 */
const queryInteger = (bounds: { min: number; max: number; default: number }) =>
  z
    .preprocess(
      (value) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value),
      z
        .number({ error: 'must be an integer' })
        .int({ error: 'must be an integer' })
        .min(bounds.min, { error: `must be at least ${bounds.min}` })
        .max(bounds.max, { error: `must be at most ${bounds.max}` }),
    )
    .default(bounds.default);

export const paginationQuerySchema = z.object({
  limit: queryInteger({ min: 1, max: maxPageSize, default: 20 }),
  offset: queryInteger({ min: 0, max: maxOffset, default: 0 }),
});

/**
 * An article's comments: all of them, as the spec has it, for any thread up to a full page; longer threads
 * are read a page at a time.
 */
export const commentsQuerySchema = paginationQuerySchema.extend({
  limit: queryInteger({ min: 1, max: maxPageSize, default: maxPageSize }),
});

export const listArticlesQuerySchema = paginationQuerySchema.extend({
  tag: nameParameter('must be a single string').optional(),
  author: nameParameter('must be a single string').optional(),
  favorited: nameParameter('must be a single string').optional(),
});
export type ListArticlesQuery = z.infer<typeof listArticlesQuerySchema>;
