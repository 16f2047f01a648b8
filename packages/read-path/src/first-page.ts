import { listArticlesQuerySchema } from '@scaling/contract';

/** The page size a list request gets when it names none: the only list pages the cache shares are its first ones. */
export const firstPageLimit = listArticlesQuerySchema.parse({}).limit;
