import { buildUser } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRedisTestApp } from './support/redis-test-app.ts';
import { buildTestApp, type RegisteredUser, registerUser, tokenHeader } from './support/test-app.ts';

describe.each([
  { store: 'memory (stages 1-2)', build: () => buildTestApp() },
  { store: 'Redis (stage 3)', build: () => buildRedisTestApp() },
])('other sessions after a change of credentials, sessions in $store', ({ build }) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await build();
  });
  afterAll(async () => {
    await app.close();
  });

  /** The user logged in on two more devices: each has a token of its own. */
  async function loggedInTwiceMore(user: RegisteredUser): Promise<string[]> {
    const tokens: string[] = [];
    for (let device = 0; device < 2; device++) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/users/login',
        payload: { user: { email: user.email, password: user.password } },
      });
      tokens.push(response.json().user.token);
    }
    return tokens;
  }

  const statusWith = async (token: string) =>
    (await app.inject({ url: '/api/user', headers: tokenHeader(token) })).statusCode;

  const update = (token: string, changes: Record<string, string>) =>
    app.inject({ method: 'PUT', url: '/api/user', headers: tokenHeader(token), payload: { user: changes } });

  it('When a user changes their password, then their other sessions end, the one that changed it lives on, and the new password works', async () => {
    const user = await registerUser(app);
    const others = await loggedInTwiceMore(user);
    const stranger = await registerUser(app);
    expect((await update(user.token, { password: 'a-new-long-password' })).statusCode).toBe(200);
    expect(await Promise.all(others.map(statusWith))).toEqual([401, 401]);
    expect(await statusWith(user.token)).toBe(200);
    expect(await statusWith(stranger.token)).toBe(200);
    const login = await app.inject({
      method: 'POST',
      url: '/api/users/login',
      payload: { user: { email: user.email, password: 'a-new-long-password' } },
    });
    expect(login.statusCode).toBe(200);
  });

  it('When a user changes their e-mail, then their other sessions end', async () => {
    const user = await registerUser(app);
    const others = await loggedInTwiceMore(user);
    expect((await update(user.token, { email: buildUser().email })).statusCode).toBe(200);
    expect(await Promise.all(others.map(statusWith))).toEqual([401, 401]);
    expect(await statusWith(user.token)).toBe(200);
  });

  it('When a user saves their settings with the same e-mail, as front ends do, or changes only their bio, then no session ends', async () => {
    const user = await registerUser(app);
    const others = await loggedInTwiceMore(user);
    expect((await update(user.token, { email: user.email.toUpperCase(), bio: 'New bio' })).statusCode).toBe(
      200,
    );
    expect((await update(user.token, { bio: 'Another bio' })).statusCode).toBe(200);
    expect(await Promise.all(others.map(statusWith))).toEqual([200, 200]);
  });
});
