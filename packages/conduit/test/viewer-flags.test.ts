import { afterAll, describe, expect, it } from 'vitest';
import { createViewerFlagsRepository } from '../src/index.ts';
import { buildTestApp, createArticle, follow, registerUser, tokenHeader } from './support/test-app.ts';

const app = await buildTestApp();
afterAll(() => app.close());
const flags = createViewerFlagsRepository(app.pg);

async function userIdOf(username: string): Promise<number> {
  const { rows } = await app.pg.query<{ id: number }>(
    'SELECT id::float8 AS id FROM users WHERE username = $1',
    [username],
  );
  return rows[0]?.id as number;
}

describe('the viewer flags repository', () => {
  it('When asked about slugs and usernames, then it answers only those the viewer favorited and follows', async () => {
    const [viewer, followed, other] = await Promise.all([
      registerUser(app),
      registerUser(app),
      registerUser(app),
    ]);
    const liked = await createArticle(app, followed.token);
    const unliked = await createArticle(app, other.token);
    await app.inject({
      method: 'POST',
      url: `/api/articles/${liked.slug}/favorite`,
      headers: tokenHeader(viewer.token),
    });
    await follow(app, viewer.token, followed.username);

    const answer = await flags.find(await userIdOf(viewer.username), {
      slugs: [liked.slug, unliked.slug, 'no-such-article'],
      usernames: [followed.username, other.username],
    });

    expect(answer).toEqual({ favorited: new Set([liked.slug]), following: new Set([followed.username]) });
  });

  it("When another viewer asks about the same articles, then the first viewer's flags are not theirs", async () => {
    const [fan, stranger, author] = await Promise.all([
      registerUser(app),
      registerUser(app),
      registerUser(app),
    ]);
    const article = await createArticle(app, author.token);
    await app.inject({
      method: 'POST',
      url: `/api/articles/${article.slug}/favorite`,
      headers: tokenHeader(fan.token),
    });
    await follow(app, fan.token, author.username);

    const answer = await flags.find(await userIdOf(stranger.username), {
      slugs: [article.slug],
      usernames: [author.username],
    });

    expect(answer).toEqual({ favorited: new Set(), following: new Set() });
  });
});
