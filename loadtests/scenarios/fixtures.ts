/**
 * What a load generator aims its requests at, found or made before the load starts (no Node imports: k6 loads it).
 * Each list runs from the most to the least popular, so a skewed draw favours its first items.
 */
export interface Fixtures {
  tokens: string[];
  slugs: string[];
  usernames: string[];
  tags: string[];
  /** Users who can log in, all with `password`. */
  emails: string[];
  password: string;
}
