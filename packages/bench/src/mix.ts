import type { Placeholder, RequestTemplate } from '@scaling/loadtests/scenarios/types';
import { type Random, sentence, zipf } from '@scaling/seed';

/** What the requests are aimed at, each list ordered from the most to the least popular. */
export interface Fixtures {
  tokens: string[];
  slugs: string[];
  usernames: string[];
  tags: string[];
}

export interface ResolvedRequest {
  name: string;
  method: RequestTemplate['method'];
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const pageSize = 20;
const pagesBrowsed = 10;

/** Draws requests from a weighted mix and fills their placeholders, skewed the way real traffic is. */
export function createMix(requests: RequestTemplate[], fixtures: Fixtures, random: Random) {
  if (requests.length === 0) throw new Error('A scenario needs at least one request in its mix.');
  for (const [name, list] of Object.entries(fixtures)) {
    if (list.length === 0)
      throw new Error(`The fixtures hold no ${name}: seed the database before running a scenario.`);
  }
  const cumulative: number[] = [];
  let totalWeight = 0;
  for (const request of requests) {
    if (!(request.weight > 0)) throw new Error(`Request "${request.name}" needs a positive weight.`);
    totalWeight += request.weight;
    cumulative.push(totalWeight);
  }
  const skews = {
    slug: zipf(fixtures.slugs.length, 1),
    username: zipf(fixtures.usernames.length, 1),
    tag: zipf(fixtures.tags.length, 1.1),
    // Most people read the first page, few go deep.
    offset: zipf(pagesBrowsed, 1.5),
  };
  const fill: Record<Placeholder, () => string> = {
    slug: () => fixtures.slugs[skews.slug.sample(random)] as string,
    username: () => fixtures.usernames[skews.username.sample(random)] as string,
    tag: () => fixtures.tags[skews.tag.sample(random)] as string,
    offset: () => String(skews.offset.sample(random) * pageSize),
    text: () => sentence(random, 4, 30, true),
  };
  const substitute = (template: string, encode: (value: string) => string) =>
    template.replace(/\{(\w+)\}/g, (match, key: string) =>
      key in fill ? encode(fill[key as Placeholder]()) : match,
    );

  return {
    pick(): RequestTemplate {
      const target = random.next() * totalWeight;
      const index = cumulative.findIndex((bound) => target < bound);
      return requests[index === -1 ? requests.length - 1 : index] as RequestTemplate;
    },
    next(): ResolvedRequest {
      const template = this.pick();
      const headers: Record<string, string> = { accept: 'application/json' };
      const authenticated =
        template.auth === 'required' || (template.auth === 'optional' && random.next() < 0.5);
      if (authenticated) headers.authorization = `Token ${random.pick(fixtures.tokens)}`;
      let body: string | undefined;
      if (template.body) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(template.body, (_key, value) =>
          typeof value === 'string' ? substitute(value, (text) => text) : value,
        );
      }
      return {
        name: template.name,
        method: template.method,
        path: substitute(template.path, encodeURIComponent),
        headers,
        body,
      };
    },
  };
}
