import type { Fixtures } from '@scaling/loadtests/scenarios/fixtures';
import {
  createRequestPicker,
  idempotencyKey,
  type PlaceholderValues,
  prepareRequest,
} from '@scaling/loadtests/scenarios/requests';
import type { RequestTemplate } from '@scaling/loadtests/scenarios/types';
import { type Random, sentence, zipf } from '@scaling/seed';

export type { Fixtures };

export interface ResolvedRequest {
  name: string;
  method: RequestTemplate['method'];
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface MixOptions {
  /**
   * Each write sent with POST gets an Idempotency-Key made from this prefix (new for every run: the API keeps a key
   * for a day), so a failed one can be retried without making a duplicate.
   */
  idempotencyKeyPrefix?: string;
}

const pageSize = 20;
const pagesBrowsed = 10;

/** Draws requests from a weighted mix and fills their placeholders, skewed the way real traffic is. */
export function createMix(
  requests: RequestTemplate[],
  fixtures: Fixtures,
  random: Random,
  options: MixOptions = {},
) {
  let keysIssued = 0;
  const pick = createRequestPicker(requests);
  const lists = {
    tokens: fixtures.tokens,
    slugs: fixtures.slugs,
    usernames: fixtures.usernames,
    tags: fixtures.tags,
    emails: fixtures.emails,
  };
  for (const [name, list] of Object.entries(lists)) {
    if (list.length === 0)
      throw new Error(`The fixtures hold no ${name}: seed the database before running a scenario.`);
  }
  const skews = {
    slug: zipf(fixtures.slugs.length, 1),
    username: zipf(fixtures.usernames.length, 1),
    tag: zipf(fixtures.tags.length, 1.1),
    // Most people read the first page, few go deep.
    offset: zipf(pagesBrowsed, 1.5),
  };
  const values: PlaceholderValues = {
    slug: () => fixtures.slugs[skews.slug.sample(random)] as string,
    username: () => fixtures.usernames[skews.username.sample(random)] as string,
    tag: () => fixtures.tags[skews.tag.sample(random)] as string,
    offset: () => String(skews.offset.sample(random) * pageSize),
    text: () => sentence(random, 4, 30, true),
    email: () => random.pick(fixtures.emails),
    password: () => fixtures.password,
  };

  const prefix = options.idempotencyKeyPrefix;
  const nextKey = prefix === undefined ? undefined : () => idempotencyKey(prefix, ++keysIssued);

  return {
    pick(): RequestTemplate {
      return pick(random.next());
    },
    next(): ResolvedRequest {
      const template = this.pick();
      const { path, body, headers } = prepareRequest(
        template,
        values,
        random.next(),
        () => random.pick(fixtures.tokens),
        nextKey,
      );
      return { name: template.name, method: template.method, path, headers, body };
    },
  };
}
