import type { RequestTemplate } from '@scaling/loadtests/scenarios/types';
import type { Random } from '@scaling/seed';
import type { ResolvedRequest } from './mix.ts';
import type { RequestOutcome } from './open-load.ts';

/** A user the run registered through the API, signed in with the token registration returned. */
export interface Writer {
  username: string;
  email: string;
  token: string;
}

/** An article the run published during its set-up: what comments and favorites aim at. */
export interface TargetArticle {
  slug: string;
  title: string;
  /** Index into the writers. */
  author: number;
}

/**
 * A notification a write must cause, by who gets it, who caused it and the article's title (none for a follow):
 * what a reader of the notifications service can tell apart without the services' internal ids.
 */
export interface ExpectedNotification {
  recipient: string;
  actor: string;
  title: string | null;
}

export interface WriteWorkload {
  runId: string;
  writers: Writer[];
  articles: TargetArticle[];
  /** Per writer, the writers following them. */
  followersOf: number[][];
  /** The notifications the set-up itself caused (follows, the first articles). */
  expected: ExpectedNotification[];
  /** Writes the set-up made, each one event in the outbox. */
  writes: number;
}

export interface WorkloadOptions {
  baseUrl: string;
  /** Makes usernames, e-mails and titles unique to this run: the stage keeps earlier runs' data. */
  runId: string;
  writers: number;
  articlesEach: number;
  /** Writer i follows the next `followsEach` writers (wrapping around), so everyone has that many followers. */
  followsEach: number;
  output: (line: string) => void;
}

const password = 'write-bench-password';
/** Requests at once during the set-up: enough to be quick, few enough for a stage held to small quotas. */
const setupConcurrency = 8;
const setupTimeoutMs = 30_000;

/**
 * Registers the writers, makes them follow each other and publish their first articles, all through the API (the
 * events and notifications of a sharded stage come from its writes, not from a seeder that bypasses them).
 */
export async function prepareWriteWorkload(options: WorkloadOptions): Promise<WriteWorkload> {
  const { baseUrl, runId, output } = options;
  output(`Registering ${options.writers} writers through the API (run ${runId})...`);
  const writers = await inBatches(
    Array.from({ length: options.writers }, (_, index) => index),
    async (index) => {
      const username = `w${runId}-${index}`;
      const email = `${username}@bench.example`;
      const body = await callApi(baseUrl, 'POST', '/api/users', undefined, {
        user: { username, email, password },
      });
      return { username, email, token: (body as { user: { token: string } }).user.token };
    },
  );
  const followersOf: number[][] = writers.map(() => []);
  const expected: ExpectedNotification[] = [];
  const follows = writers.flatMap((_, follower) =>
    Array.from({ length: options.followsEach }, (_unused, step) => ({
      follower,
      followee: (follower + step + 1) % writers.length,
    })),
  );
  output(`${follows.length} follows...`);
  await inBatches(follows, async ({ follower, followee }) => {
    const followed = writers[followee] as Writer;
    await callApi(
      baseUrl,
      'POST',
      `/api/profiles/${encodeURIComponent(followed.username)}/follow`,
      (writers[follower] as Writer).token,
    );
    (followersOf[followee] as number[]).push(follower);
    expected.push({
      recipient: followed.username,
      actor: (writers[follower] as Writer).username,
      title: null,
    });
  });
  output(`${writers.length * options.articlesEach} articles to comment on and favorite...`);
  const articles = await inBatches(
    writers.flatMap((_, author) =>
      Array.from({ length: options.articlesEach }, (_unused, n) => ({ author, n })),
    ),
    async ({ author, n }) => {
      const writer = writers[author] as Writer;
      const title = `${runId} ${writer.username} first ${n}`;
      const body = await callApi(
        baseUrl,
        'POST',
        '/api/articles',
        writer.token,
        articleBody(title, 'sharding'),
      );
      for (const follower of followersOf[author] as number[]) {
        expected.push({ recipient: (writers[follower] as Writer).username, actor: writer.username, title });
      }
      return { slug: (body as { article: { slug: string } }).article.slug, title, author };
    },
  );
  return {
    runId,
    writers,
    articles,
    followersOf,
    expected,
    writes: writers.length + follows.length + articles.length,
  };
}

/** The kinds of write in the mix, with their weights: new articles, comments, favorites. */
export interface WriteMixWeights {
  article: number;
  comment: number;
  favorite: number;
}

export const writeHeavyWeights: WriteMixWeights = { article: 2, comment: 5, favorite: 3 };

/** The templates the planned writes follow: their names count the requests by kind. */
export const writeTemplates: RequestTemplate[] = [
  {
    name: 'publish article',
    weight: writeHeavyWeights.article,
    method: 'POST',
    path: '/api/articles',
    auth: 'required',
    write: true,
  },
  {
    name: 'comment',
    weight: writeHeavyWeights.comment,
    method: 'POST',
    path: '/api/articles/{slug}/comments',
    auth: 'required',
    write: true,
  },
  {
    name: 'favorite',
    weight: writeHeavyWeights.favorite,
    method: 'POST',
    path: '/api/articles/{slug}/favorite',
    auth: 'required',
    write: true,
  },
];

const tags = ['sharding', 'kafka', 'outbox', 'consistent-hashing', 'resilience'];
/** Attempts at drawing a favorite nobody made yet before the write becomes a comment. */
const favoriteDraws = 8;

/**
 * The write-heavy mix as a planned sequence: each request knows the notifications it must cause if it succeeds
 * (the author's followers for an article, the author for a comment or a favorite by someone else), so a run can
 * say afterwards which notifications are missing or doubled. Favorites are never repeated (a second favorite of
 * the same article by the same user changes nothing and notifies nobody).
 */
export function plannedWrites(workload: WriteWorkload, random: Random, weights = writeHeavyWeights) {
  const { writers, articles, runId } = workload;
  const favorited = new Set<string>();
  const planned = new WeakMap<ResolvedRequest, ExpectedNotification[]>();
  const total = weights.article + weights.comment + weights.favorite;
  let sequence = 0;
  // The set-up's own writes succeeded (it throws otherwise): what they owe is owed from the start.
  const confirmed: ExpectedNotification[] = [...workload.expected];
  /** Notifications of writes that got no answer: done or not, nobody knows. */
  const unsure: ExpectedNotification[] = [];
  const counts = { answered: 0, succeeded: 0, failed: 0, unanswered: 0 };

  const request = (name: string, path: string, writer: Writer, body?: object): ResolvedRequest => ({
    name,
    method: 'POST',
    path,
    headers: {
      accept: 'application/json',
      authorization: `Token ${writer.token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });

  const publish = (): ResolvedRequest => {
    const author = Math.floor(random.next() * writers.length);
    const writer = writers[author] as Writer;
    const title = `${runId} ${writer.username} article ${sequence}`;
    const next = request('publish article', '/api/articles', writer, articleBody(title, random.pick(tags)));
    planned.set(
      next,
      (workload.followersOf[author] as number[]).map((follower) => ({
        recipient: (writers[follower] as Writer).username,
        actor: writer.username,
        title,
      })),
    );
    return next;
  };

  const onArticle = (kind: 'comment' | 'favorite'): ResolvedRequest => {
    for (let draw = 0; draw < favoriteDraws; draw++) {
      const article = random.pick(articles);
      const actor = Math.floor(random.next() * writers.length);
      if (actor === article.author) continue;
      const pair = `${actor}/${article.slug}`;
      if (kind === 'favorite' && favorited.has(pair)) continue;
      const writer = writers[actor] as Writer;
      const path = `/api/articles/${encodeURIComponent(article.slug)}`;
      const next =
        kind === 'favorite'
          ? request('favorite', `${path}/favorite`, writer)
          : request('comment', `${path}/comments`, writer, {
              comment: { body: `Comment ${sequence} of run ${runId}.` },
            });
      if (kind === 'favorite') favorited.add(pair);
      planned.set(next, [
        {
          recipient: (writers[article.author] as Writer).username,
          actor: writer.username,
          title: article.title,
        },
      ]);
      return next;
    }
    return kind === 'favorite' ? onArticle('comment') : publish();
  };

  return {
    templates: writeTemplates,
    next(): ResolvedRequest {
      sequence++;
      const draw = random.next() * total;
      if (draw < weights.article) return publish();
      return onArticle(draw < weights.article + weights.comment ? 'comment' : 'favorite');
    },
    /** Records what became of a request: its notifications are owed once it succeeded. */
    settle(outcome: Pick<RequestOutcome, 'request' | 'status'>): void {
      const owed = planned.get(outcome.request) ?? [];
      if (outcome.status === undefined) {
        counts.unanswered++;
        unsure.push(...owed);
        return;
      }
      counts.answered++;
      if (outcome.status >= 200 && outcome.status < 300) {
        counts.succeeded++;
        confirmed.push(...owed);
      } else counts.failed++;
    },
    /** The notifications owed by the writes that succeeded, and those of writes that got no answer. */
    expected: () => ({ confirmed: [...confirmed], unsure: [...unsure] }),
    counts: () => ({ ...counts }),
  };
}

export type PlannedWrites = ReturnType<typeof plannedWrites>;

function articleBody(title: string, tag: string) {
  return {
    article: {
      title,
      description: 'Written by the write benchmark.',
      body: 'Each write lands on the shard of its author, with its event in the same transaction.',
      tagList: [tag],
    },
  };
}

async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: object,
): Promise<unknown> {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: {
      accept: 'application/json',
      ...(token ? { authorization: `Token ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(setupTimeoutMs),
  });
  if (response.status < 200 || response.status >= 300) {
    throw new Error(
      `${method} ${path} answered HTTP ${response.status} (${(await response.text()).slice(0, 300)}) while the ` +
        'bench prepared its writers: check that the stage runs its load-test variant (sign-up limits lifted) and is healthy.',
    );
  }
  return response.json();
}

async function inBatches<Item, Result>(
  items: Item[],
  work: (item: Item) => Promise<Result>,
): Promise<Result[]> {
  const results: Result[] = [];
  for (let start = 0; start < items.length; start += setupConcurrency) {
    results.push(...(await Promise.all(items.slice(start, start + setupConcurrency).map(work))));
  }
  return results;
}
