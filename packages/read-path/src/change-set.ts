import { surrogateKeys } from '@scaling/edge';
import type { ArticleFacts } from './article-facts.ts';
import { cacheKeys, listScopes } from './cache-keys.ts';

/** Everything one committed write changed: what to invalidate, what to ban at the edge, whose write it was. */
export interface WriteChange {
  /** Cache entries to tombstone. */
  keys: string[];
  /** List scopes whose version moves. */
  scopes: string[];
  /** Surrogate keys to purge at the edge. */
  edge: string[];
  /** The users who wrote: their next reads must see it. */
  writers: number[];
}

export type ChangeSet = ReturnType<typeof createChangeSet>;

/** Collects, write by write, what a transaction (or one statement) changes; read once it has committed. */
export function createChangeSet() {
  const keys = new Set<string>();
  const scopes = new Set<string>();
  const edge = new Set<string>();
  const writers = new Set<number>();

  return {
    /**
     * A change to what the article shows (its text, its count): its entries under every slug it answers to, the
     * scopes of the first pages it is on (every tag's: see ArticleFacts), and at the edge every response showing it
     * (each carries its key).
     */
    article(facts: ArticleFacts): void {
      for (const slug of [facts.slug, ...facts.previousSlugs]) keys.add(cacheKeys.article(slug));
      if (facts.onFirstPage.articles) scopes.add(listScopes.articles);
      if (facts.onFirstPage.author) scopes.add(listScopes.author(facts.author));
      for (const tag of facts.tags) scopes.add(listScopes.tag(tag));
      edge.add(surrogateKeys.article(facts.slug));
    },

    /** A slug the article now has (created or renamed): it may have answered with another article or a 404. */
    slugTaken(slug: string): void {
      keys.add(cacheKeys.article(slug));
      edge.add(surrogateKeys.article(slug));
    },

    /**
     * The article joined or left its lists (created, deleted): every list it belongs to changes its count, and at
     * the edge every list page may shift.
     */
    listMembership(facts: ArticleFacts): void {
      scopes.add(listScopes.articles);
      scopes.add(listScopes.author(facts.author));
      for (const tag of facts.tags) scopes.add(listScopes.tag(tag));
      edge.add(surrogateKeys.articles);
    },

    /**
     * The article's tags replaced: it left the lists of the old ones and joined those of the new ones (their lists
     * at the edge may now show it); tags new to the tag list change that list too.
     */
    retagged(previous: readonly string[], tags: readonly string[], created: readonly string[]): void {
      for (const tag of [...previous, ...tags]) scopes.add(listScopes.tag(tag));
      for (const tag of tags) edge.add(surrogateKeys.tag(tag));
      if (created.length > 0) {
        keys.add(cacheKeys.tags);
        edge.add(surrogateKeys.tags);
      }
    },

    /**
     * A profile field (username, bio, image) changed: the profile under its old and new name, the author entry the
     * articles compose from, every list page (they embed authors), and at the edge everything showing the author.
     */
    profile(userId: number, usernames: readonly string[]): void {
      keys.add(cacheKeys.author(userId));
      scopes.add(listScopes.profiles);
      for (const username of usernames) {
        keys.add(cacheKeys.profile(username));
        scopes.add(listScopes.author(username));
        edge.add(surrogateKeys.profile(username));
        edge.add(surrogateKeys.author(username));
      }
    },

    /** A new user: their profile may have been asked for (and missed) before it existed. */
    userCreated(username: string): void {
      keys.add(cacheKeys.profile(username));
      edge.add(surrogateKeys.profile(username));
    },

    writer(userId: number): void {
      writers.add(userId);
    },

    toChange(): WriteChange {
      return { keys: [...keys], scopes: [...scopes], edge: [...edge], writers: [...writers] };
    },
  };
}
