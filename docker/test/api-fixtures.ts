import { type Fixtures, fetchWaitingOutThrottle } from '@scaling/bench';

const password = 'docker-drill-password-1';

/** Registrations are throttled per client address (the suite just made many): wait as told, this long at most. */
const maxThrottleWaitSeconds = 90;

async function call<T>(origin: string, path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetchWaitingOutThrottle(
    new URL(path, origin),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Token ${token}` } : {}) },
      body: JSON.stringify(body),
    },
    { maxWaitSeconds: maxThrottleWaitSeconds, attemptTimeoutMs: 10_000 },
  );
  if (!response.ok) {
    throw new Error(
      `Making the drill's data through the API failed: POST ${path} answered ${response.status}: ${await response.text()}`,
    );
  }
  return (await response.json()) as T;
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
    const email = `${username}@example.com`;
    const registered = await call<{ user: { token: string } }>(origin, '/api/users', {
      user: { username, email, password },
    });
    const token = registered.user.token;
    fixtures.tokens.push(token);
    fixtures.usernames.push(username);
    fixtures.emails.push(email);
    for (let article = 0; article < articlesPerUser; article += 1) {
      const tag = `drill-tag-${article}`;
      const made = await call<{ article: { slug: string } }>(
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
    await call(origin, `/api/profiles/${fixtures.usernames[0]}/follow`, {}, token);
  }
  return fixtures;
}
