import { email, makePlan, seedPassword, username } from '@scaling/seed';
import type { Fixtures } from './mix.ts';
import { fetchWaitingOutThrottle } from './throttled-fetch.ts';

export interface FixtureOptions {
  baseUrl: string;
  /** The seed and scale the database was loaded with: the plan says which articles and users are popular. */
  seed: number;
  scale: number;
  /** How many seeded users log in; their tokens are shared by all connections. */
  users?: number;
}

/**
 * Regenerates the seed plan (cheap) instead of crawling the API, so that reads are aimed at the same hot articles
 * the seed gave most favorites and comments; then logs in a few seeded users for the authenticated requests.
 */
export async function prepareFixtures(options: FixtureOptions): Promise<Fixtures> {
  const plan = makePlan(options.seed, options.scale);
  const hottest = plan.articleSlugs[plan.articleByRank[0] as number] as string;
  const probe = await fetch(new URL(`/api/articles/${hottest}`, options.baseUrl));
  if (probe.status !== 200) {
    throw new Error(
      `The API at ${options.baseUrl} has no article "${hottest}" (HTTP ${probe.status}): load the data first with ` +
        `'pnpm seed --scale ${options.scale} --seed ${options.seed} --reset' against that stage's database.`,
    );
  }
  const tokens: string[] = [];
  // Ordinary users rather than the most followed ones: their feeds are what most readers see.
  const loginCount = Math.min(options.users ?? 8, plan.userCount);
  const emails = Array.from(plan.userByRank, (index) => email(index));
  for (const userEmail of emails.slice(plan.userCount - loginCount)) {
    tokens.push(await logIn(options.baseUrl, userEmail));
  }
  return {
    tokens,
    slugs: Array.from(plan.articleByRank, (index) => plan.articleSlugs[index] as string),
    usernames: Array.from(plan.userByRank, (index) => username(index)),
    tags: plan.tags,
    emails,
    password: seedPassword,
  };
}

/** Stage 3 keeps its login counts in Redis across restarts: a run right after another may wait this long for them. */
const maxThrottledWaitSeconds = 90;

async function logIn(baseUrl: string, userEmail: string): Promise<string> {
  const response = await fetchWaitingOutThrottle(
    new URL('/api/users/login', baseUrl),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email: userEmail, password: seedPassword } }),
    },
    {
      maxWaitSeconds: maxThrottledWaitSeconds,
      onWait: (seconds) =>
        console.log(
          `Logins from this address are throttled (429): waiting ${seconds} s, as Retry-After asks...`,
        ),
    },
  );
  if (response.status !== 200) {
    throw new Error(
      `Logging in the seeded user ${userEmail} failed with HTTP ${response.status}: ${await response.text()}. ` +
        (response.status === 429
          ? `Logins from this address stayed throttled for up to ${maxThrottledWaitSeconds} s: wait a minute, then run again.`
          : 'Check that the database was seeded by this version of the seed.'),
    );
  }
  const body = (await response.json()) as { user: { token: string } };
  return body.user.token;
}
