/**
 * A name's characters outside [A-Za-z0-9_-] percent-encoded (UTF-8), so a key never holds the space that separates
 * keys in a header, nor a character the edge's ban regular expression would read as syntax. Slugs pass unchanged.
 */
function keyPart(name: string): string {
  return encodeURIComponent(name).replace(
    /[.!~*'()]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The tags an edge cache files a response under (`Surrogate-Key`), and what a write bans (`X-Purge-Keys`): one
 * naming scheme for both sides, so a ban always names what the responses were tagged with.
 */
export const surrogateKeys = {
  /** A single article, and every list page that shows it. */
  article: (slug: string) => `article:${keyPart(slug)}`,
  /** A profile page. */
  profile: (username: string) => `profile:${keyPart(username)}`,
  /** Every page of the article list: a new or deleted article moves them all. */
  articles: 'articles',
  /** The article list filtered by this tag. */
  tag: (name: string) => `tag:${keyPart(name)}`,
  /** Everything showing this author: their articles (which embed their profile) and the list filtered by them. */
  author: (username: string) => `author:${keyPart(username)}`,
  /** The tag list. */
  tags: 'tags',
} as const;

/** Keys as a header value: each once, in a stable order, separated by single spaces. */
export function surrogateKeyHeader(keys: Iterable<string>): string {
  return [...new Set(keys)].sort().join(' ');
}
