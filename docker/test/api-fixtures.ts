import { type Fixtures, fetchWaitingOutThrottle } from '@scaling/bench';

const password = 'docker-drill-password-1';

/** Registrations are throttled per client address (the suite just made many): wait as told, this long at most. */
const maxThrottleWaitSeconds = 90;

/** A POST through the published port that must succeed; `headers` adds to the JSON and token ones. */
export async function postJson<T>(
  origin: string,
  path: string,
  body: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetchWaitingOutThrottle(
    new URL(path, origin),
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Token ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    },
    { maxWaitSeconds: maxThrottleWaitSeconds, attemptTimeoutMs: 10_000 },
  );
  if (!response.ok) {
    throw new Error(
      `Making test data through the API failed: POST ${path} answered ${response.status}: ${await response.text()}`,
    );
  }
  return (await response.json()) as T;
}

/** A new user registered through the API. */
export async function registerUser(
  origin: string,
  username: string,
): Promise<{ token: string; email: string }> {
  const email = `${username}@example.com`;
  const registered = await postJson<{ user: { token: string } }>(origin, '/api/users', {
    user: { username, email, password },
  });
  return { token: registered.user.token, email };
}

/**
 * A few users, articles and tags made through the API itself: the data services of a compose stack are not
 * published on the host, so the seeder cannot reach its database, and a drill needs only something to read.
 */
export async function makeApiFixtures(origin: string, users = 3, articlesPerUser = 3): Promise<Fixtures> {
  const run = Date.now().toString(36);
  const fixtures: Fixtures = { tokens: [], slugs: [], usernames: [], tags: [], emails: [], password };
  for (let user = 0; user < users; user += 1) {
    const username = `drill-${run}-${user}`;
    const { token, email } = await registerUser(origin, username);
    fixtures.tokens.push(token);
    fixtures.usernames.push(username);
    fixtures.emails.push(email);
    for (let article = 0; article < articlesPerUser; article += 1) {
      const tag = `drill-tag-${article}`;
      const made = await postJson<{ article: { slug: string } }>(
        origin,
        '/api/articles',
        {
          article: {
            title: `Drill article ${run} ${user}-${article}`,
            description: 'Made for a failure drill',
            body: 'Read under load while something breaks.',
            tagList: [tag],
          },
        },
        token,
      );
      fixtures.slugs.push(made.article.slug);
      if (!fixtures.tags.includes(tag)) fixtures.tags.push(tag);
    }
  }
  // Everyone follows the first user, so the feed has something in it.
  for (const token of fixtures.tokens.slice(1)) {
    await postJson(origin, `/api/profiles/${fixtures.usernames[0]}/follow`, {}, token);
  }
  return fixtures;
}
