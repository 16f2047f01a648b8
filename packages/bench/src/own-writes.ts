import { countBy, evenShare } from './load-summary.ts';
import { summarizeLatencies } from './percentiles.ts';

/** What a user writes before reading it back: a comment (then the article's comments), or a favorite toggled. */
export type OwnWriteKind = 'comment' | 'favorite';

export interface WriteReadPair {
  /** The user's index among the tokens. */
  user: number;
  kind: OwnWriteKind;
  slug: string;
  writeStatus: number | undefined;
  readStatus: number | undefined;
  /** The read answered, but without the user's own write: a comment missing, or `favorited` as it was before. */
  stale: boolean;
  /** ms from the write's answer to the read's. */
  readMs: number;
  /** The replicas that answered the write and the read (X-Served-By). */
  writeServedBy: string | undefined;
  readServedBy: string | undefined;
  /** Why the pair failed before it could be judged (an error, a non-2xx). */
  error?: string;
}

export interface OwnWritesOptions {
  /** Where the pairs go: nginx, the origin, so the read follows its write as closely as a server-side page would. */
  baseUrl: string;
  tokens: string[];
  /** Articles to write on; each user keeps to its own share of them. */
  slugs: string[];
  pairs: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onPair?: (pair: WriteReadPair) => void;
}

export interface OwnWritesSummary {
  pairs: number;
  users: number;
  judged: number;
  stale: number;
  failed: number;
  staleByKind: Record<string, number>;
  errors: Record<string, number>;
  /** ms from a write's answer to its read's answer: p50 and p99. */
  readMsP50: number;
  readMsP99: number;
}

async function call(
  baseUrl: string,
  path: string,
  token: string,
  method: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ status: number; servedBy: string | undefined; json: unknown }> {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: {
      authorization: `Token ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, servedBy: response.headers.get('x-served-by') ?? undefined, json };
}

/**
 * One user's write, then at once the same user's read of what it changed. A comment must be in the article's
 * comments; a favorite (or its removal) must show in `favorited`, as the write's own answer said. Every read sends
 * the user's token, so read-your-writes applies to it.
 */
async function writeThenRead(
  options: OwnWritesOptions,
  user: number,
  kind: OwnWriteKind,
  slug: string,
  favoriteNext: boolean,
): Promise<WriteReadPair> {
  const token = options.tokens[user] as string;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const article = `/api/articles/${encodeURIComponent(slug)}`;
  const pair: WriteReadPair = {
    user,
    kind,
    slug,
    writeStatus: undefined,
    readStatus: undefined,
    stale: false,
    readMs: 0,
    writeServedBy: undefined,
    readServedBy: undefined,
  };
  try {
    const write =
      kind === 'comment'
        ? await call(
            options.baseUrl,
            `${article}/comments`,
            token,
            'POST',
            {
              comment: { body: `own write ${user} ${Date.now()}` },
            },
            timeoutMs,
          )
        : await call(
            options.baseUrl,
            `${article}/favorite`,
            token,
            favoriteNext ? 'POST' : 'DELETE',
            undefined,
            timeoutMs,
          );
    pair.writeStatus = write.status;
    pair.writeServedBy = write.servedBy;
    if (write.status < 200 || write.status >= 300)
      return { ...pair, error: `write answered ${write.status}` };
    const writtenAt = performance.now();
    const read = await call(
      options.baseUrl,
      kind === 'comment' ? `${article}/comments` : article,
      token,
      'GET',
      undefined,
      timeoutMs,
    );
    pair.readMs = performance.now() - writtenAt;
    pair.readStatus = read.status;
    pair.readServedBy = read.servedBy;
    if (read.status !== 200) return { ...pair, error: `read answered ${read.status}` };
    if (kind === 'comment') {
      const id = (write.json as { comment?: { id?: number } }).comment?.id;
      const ids = ((read.json as { comments?: { id: number }[] }).comments ?? []).map(
        (comment) => comment.id,
      );
      pair.stale = !ids.includes(id as number);
    } else {
      const expected = (write.json as { article?: { favorited?: boolean } }).article?.favorited;
      pair.stale = (read.json as { article?: { favorited?: boolean } }).article?.favorited !== expected;
    }
    return pair;
  } catch (error) {
    return {
      ...pair,
      error: (error as Error).name === 'TimeoutError' ? 'timeout' : (error as Error).message,
    };
  }
}

/**
 * `pairs` write-then-read pairs, the users in parallel and each user's pairs one after the other, alternating a
 * comment and a favorite toggled on an article of the user's own (so two users never toggle the same favorite).
 */
export async function runOwnWrites(options: OwnWritesOptions): Promise<WriteReadPair[]> {
  const users = options.tokens.length;
  if (users === 0) throw new Error('Write-then-read pairs need logged-in users: the fixtures hold no token.');
  const results: WriteReadPair[] = [];
  await Promise.all(
    options.tokens.map(async (_token, user) => {
      const mine = evenShare(options.pairs, users, user);
      let favorited = true;
      for (let index = 0; index < mine && !options.signal?.aborted; index++) {
        const kind: OwnWriteKind = index % 2 === 0 ? 'comment' : 'favorite';
        // Popular articles, as readers write on them, spread so each user keeps to a few of its own.
        const slug = options.slugs[(user + users * Math.floor(index / 8)) % options.slugs.length] as string;
        if (kind === 'favorite') favorited = !favorited;
        const pair = await writeThenRead(options, user, kind, slug, favorited);
        results.push(pair);
        options.onPair?.(pair);
      }
    }),
  );
  return results;
}

export function summarizeOwnWrites(pairs: WriteReadPair[]): OwnWritesSummary {
  const judged = pairs.filter((pair) => pair.error === undefined);
  const stale = judged.filter((pair) => pair.stale);
  const readMs = summarizeLatencies(judged.map((pair) => pair.readMs));
  return {
    pairs: pairs.length,
    users: new Set(pairs.map((pair) => pair.user)).size,
    judged: judged.length,
    stale: stale.length,
    failed: pairs.length - judged.length,
    staleByKind: countBy(stale, (pair) => pair.kind),
    errors: countBy(
      pairs.filter((pair) => pair.error !== undefined),
      (pair) => pair.error as string,
    ),
    readMsP50: readMs.p50,
    readMsP99: readMs.p99,
  };
}
