import { z } from 'zod';
import { requiredObject, requiredText, tagList, text, timestamp } from './fields.ts';
import { profileSchema } from './profiles.ts';

export const newArticleRequestSchema = requiredObject({
  article: requiredObject({
    title: requiredText(),
    description: requiredText(),
    body: requiredText(),
    tagList: tagList().optional(),
  }),
});
export type NewArticleRequest = z.infer<typeof newArticleRequestSchema>;

/** Omitted fields stay unchanged; `tagList: []` removes every tag, `tagList: null` is rejected. */
export const updateArticleRequestSchema = requiredObject({
  article: requiredObject({
    title: requiredText().optional(),
    description: requiredText().optional(),
    body: requiredText().optional(),
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

export const slugParamsSchema = z.object({ slug: text() });

/** Caps a page so one request cannot ask the database for an unbounded result. */
export const maxPageSize = 100;

const queryInteger = () =>
  z.coerce.number({ error: 'must be an integer' }).int({ error: 'must be an integer' });

export const paginationQuerySchema = z.object({
  limit: queryInteger()
    .min(1, { error: 'must be at least 1' })
    .max(maxPageSize, { error: `must be at most ${maxPageSize}` })
    .default(20),
  offset: queryInteger().min(0, { error: 'must be at least 0' }).default(0),
});

export const listArticlesQuerySchema = paginationQuerySchema.extend({
  tag: text('must be a single string').optional(),
  author: text('must be a single string').optional(),
  favorited: text('must be a single string').optional(),
});
export type ListArticlesQuery = z.infer<typeof listArticlesQuerySchema>;
