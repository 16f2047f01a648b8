import type { Article, ArticleListItem, Profile } from '@scaling/contract';
import type { FastifyRequest } from 'fastify';
import { surrogateKeys } from './surrogate-keys.ts';

/**
 * The read routes whose anonymous answers every reader may share, each with the surrogate keys of an answer: the
 * route's own scope and everything the answer shows, so a ban of any of them reaches it. `undefined`: this answer
 * is not shared after all (a list filtered by who favorited it, which no write bans).
 */
interface CacheableRoute {
  url: string;
  keys(request: FastifyRequest, body: unknown): string[] | undefined;
}

const articleKeys = ({ slug, author }: Pick<ArticleListItem, 'slug' | 'author'>) => [
  surrogateKeys.article(slug),
  surrogateKeys.author(author.username),
];

export const cacheableRoutes = {
  articleList: {
    url: '/api/articles',
    keys(request, body) {
      const { tag, author, favorited } = request.query as Record<string, string | undefined>;
      if (favorited !== undefined) return undefined;
      return [
        surrogateKeys.articles,
        ...(tag === undefined ? [] : [surrogateKeys.tag(tag)]),
        ...(author === undefined ? [] : [surrogateKeys.author(author)]),
        ...(body as { articles: ArticleListItem[] }).articles.flatMap(articleKeys),
      ];
    },
  },
  article: {
    url: '/api/articles/:slug',
    // An article keeps answering under its previous slugs: the copy under such a URL is filed under both names.
    keys: (request, body) => [
      surrogateKeys.article((request.params as { slug: string }).slug),
      ...articleKeys((body as { article: Article }).article),
    ],
  },
  profile: {
    url: '/api/profiles/:username',
    keys: (_request, body) => [surrogateKeys.profile((body as { profile: Profile }).profile.username)],
  },
  tags: {
    url: '/api/tags',
    keys: () => [surrogateKeys.tags],
  },
} satisfies Record<string, CacheableRoute>;

export type CacheableRouteName = keyof typeof cacheableRoutes;
