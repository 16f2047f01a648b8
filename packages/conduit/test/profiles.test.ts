import { uniqueSuffix } from '@scaling/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, expectError, follow, registerUser, tokenHeader } from './support/test-app.ts';

const app = await buildTestApp();
afterAll(() => app.close());

describe('profiles', () => {
  it('When anyone reads a profile, then 200 shows it with following false', async () => {
    const celeb = await registerUser(app);
    const response = await app.inject({ url: `/api/profiles/${celeb.username}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      profile: { username: celeb.username, bio: null, image: null, following: false },
    });
  });

  it('When a user follows someone, then the profile says following for that user only', async () => {
    const fan = await registerUser(app);
    const other = await registerUser(app);
    const celeb = await registerUser(app);
    const response = await app.inject({
      method: 'POST',
      url: `/api/profiles/${celeb.username}/follow`,
      headers: tokenHeader(fan.token),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().profile).toMatchObject({ username: celeb.username, following: true });
    const seenByFan = await app.inject({
      url: `/api/profiles/${celeb.username}`,
      headers: tokenHeader(fan.token),
    });
    expect(seenByFan.json().profile.following).toBe(true);
    const seenByOther = await app.inject({
      url: `/api/profiles/${celeb.username}`,
      headers: tokenHeader(other.token),
    });
    expect(seenByOther.json().profile.following).toBe(false);
  });

  it('When a user follows twice, then it stays one follow and is still 200', async () => {
    const fan = await registerUser(app);
    const celeb = await registerUser(app);
    await follow(app, fan.token, celeb.username);
    await follow(app, fan.token, celeb.username);
    const response = await app.inject({
      method: 'DELETE',
      url: `/api/profiles/${celeb.username}/follow`,
      headers: tokenHeader(fan.token),
    });
    expect(response.json().profile.following).toBe(false);
    const reread = await app.inject({
      url: `/api/profiles/${celeb.username}`,
      headers: tokenHeader(fan.token),
    });
    expect(reread.json().profile.following).toBe(false);
  });

  it('When a user tries to follow themselves, then 403 refuses', async () => {
    const user = await registerUser(app);
    const response = await app.inject({
      method: 'POST',
      url: `/api/profiles/${user.username}/follow`,
      headers: tokenHeader(user.token),
    });
    expectError(response, 403, { profile: ['cannot be followed by its own user'] });
  });

  it('When the username is unknown, then reading, following and unfollowing all answer 404', async () => {
    const user = await registerUser(app);
    const unknown = `nobody_${uniqueSuffix()}`;
    expectError(await app.inject({ url: `/api/profiles/${unknown}` }), 404, { profile: ['not found'] });
    for (const method of ['POST', 'DELETE'] as const) {
      const response = await app.inject({
        method,
        url: `/api/profiles/${unknown}/follow`,
        headers: tokenHeader(user.token),
      });
      expectError(response, 404, { profile: ['not found'] });
    }
  });

  it('When following without a token, then 401 says the token is missing', async () => {
    const celeb = await registerUser(app);
    for (const method of ['POST', 'DELETE'] as const) {
      const response = await app.inject({ method, url: `/api/profiles/${celeb.username}/follow` });
      expectError(response, 401, { token: ['is missing'] });
    }
  });
});
