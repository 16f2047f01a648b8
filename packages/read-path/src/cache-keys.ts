import { surrogateKeys } from '@scaling/edge';

/**
 * The names of the cache's entries. Where an entry holds what the edge files a response under, it takes the same
 * name (`surrogateKeys`): one name then invalidates both layers, and reads the same in Redis and in a ban.
 */
export const cacheKeys = {
  /** The shared article, under every slug it answers to (its own and its previous ones). */
  article: surrogateKeys.article,
  /** The shared profile, with the user's id: `GET /profiles/:username`. */
  profile: surrogateKeys.profile,
  /** The author an article shows, by id: an article entry names its author by id, so a rename never reaches it. */
  author: (userId: number) => `user:${userId}`,
  tags: surrogateKeys.tags,
  /** A first page of the article list, as of the versions of its scopes: a write that moves one makes a new key. */
  listPage: (scope: string, versions: readonly (string | null)[]) =>
    `list:${scope}@${versions.map((version) => version ?? '0').join(',')}`,
} as const;

/** The scopes whose versions key the list pages (`CacheAside.versions`). */
export const listScopes = {
  articles: surrogateKeys.articles,
  tag: surrogateKeys.tag,
  author: surrogateKeys.author,
  /** Moves on any profile change: list pages embed their authors' profiles. */
  profiles: 'profiles',
} as const;
