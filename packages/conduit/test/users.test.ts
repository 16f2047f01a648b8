import { buildUser, uniqueSuffix } from '@scaling/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, expectError, registerUser, tokenHeader } from './support/test-app.ts';

const app = await buildTestApp();
afterAll(() => app.close());

const updateUser = (token: string, user: Record<string, unknown>) =>
  app.inject({ method: 'PUT', url: '/api/user', headers: tokenHeader(token), payload: { user } });

describe('POST /api/users', () => {
  it('When a new user registers, then 201 returns the user with a token and null bio and image', async () => {
    const user = buildUser();
    const response = await app.inject({ method: 'POST', url: '/api/users', payload: { user } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      user: { username: user.username, email: user.email, bio: null, image: null, token: expect.any(String) },
    });
  });

  it('When the email has capitals, then it is stored lower-cased', async () => {
    const user = buildUser();
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { user: { ...user, email: user.email.toUpperCase() } },
    });
    expect(response.json().user.email).toBe(user.email);
  });

  it('When the username is taken, then 409 says so', async () => {
    const existing = await registerUser(app);
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { user: buildUser({ username: existing.username }) },
    });
    expectError(response, 409, { username: ['has already been taken'] });
  });

  it('When the email is taken in another case, then 409 says so', async () => {
    const existing = await registerUser(app);
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { user: buildUser({ email: existing.email.toUpperCase() }) },
    });
    expectError(response, 409, { email: ['has already been taken'] });
  });

  it('When both username and email are taken, then 409 names both', async () => {
    const existing = await registerUser(app);
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { user: { ...existing, token: undefined } },
    });
    expectError(response, 409, { username: ['has already been taken'], email: ['has already been taken'] });
  });

  it.each([
    ['username', { username: '' }, "can't be blank"],
    ['username', { username: '   ' }, "can't be blank"],
    ['email', { email: '' }, "can't be blank"],
    ['email', { email: 'not-an-email' }, 'is invalid'],
    ['password', { password: '' }, "can't be blank"],
    ['password', { password: 'short7c' }, 'is too short (minimum is 8 characters)'],
    ['username', { username: 42 }, 'must be a string'],
    ['email', { email: null }, "can't be blank"],
  ])('When %s is %j, then 422 keys the error by that field', async (field, override, message) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { user: { ...buildUser(), ...override } },
    });
    expectError(response, 422, { [field]: [message] });
  });

  it('When a field is missing, then 422 says it cannot be blank', async () => {
    const { username, email } = buildUser();
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { user: { username, email } },
    });
    expectError(response, 422, { password: ["can't be blank"] });
  });

  it('When the user wrapper is missing, then 422 names it', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/users', payload: buildUser() });
    expectError(response, 422, { user: ["can't be blank"] });
  });
});

describe('POST /api/users/login', () => {
  it('When the credentials are right, then 200 returns the user with a fresh token', async () => {
    const user = await registerUser(app);
    const response = await app.inject({
      method: 'POST',
      url: '/api/users/login',
      payload: { user: { email: user.email.toUpperCase(), password: user.password } },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({ username: user.username, email: user.email, bio: null, image: null });
    expect(body.user.token).not.toBe(user.token);
  });

  it('When the password is wrong, then 401 says the credentials are invalid', async () => {
    const user = await registerUser(app);
    const response = await app.inject({
      method: 'POST',
      url: '/api/users/login',
      payload: { user: { email: user.email, password: 'wrong password' } },
    });
    expectError(response, 401, { credentials: ['invalid'] });
  });

  it('When the email is unknown, then 401 gives the same answer as a wrong password', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/users/login',
      payload: { user: { email: `nobody_${uniqueSuffix()}@example.com`, password: 'password123' } },
    });
    expectError(response, 401, { credentials: ['invalid'] });
  });

  it.each([
    ['email', { email: '', password: 'password123' }],
    ['password', { email: 'someone@example.com', password: '' }],
  ])('When %s is empty, then 422 says it cannot be blank', async (field, user) => {
    const response = await app.inject({ method: 'POST', url: '/api/users/login', payload: { user } });
    expectError(response, 422, { [field]: ["can't be blank"] });
  });
});

describe('GET /api/user', () => {
  it('When the token is valid, then 200 returns the current user with that token', async () => {
    const user = await registerUser(app);
    const response = await app.inject({ url: '/api/user', headers: tokenHeader(user.token) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      user: { username: user.username, email: user.email, bio: null, image: null, token: user.token },
    });
  });
});

describe('PUT /api/user', () => {
  it('When bio and image are set, then they are returned and persisted', async () => {
    const user = await registerUser(app);
    const response = await updateUser(user.token, { bio: 'I write', image: 'https://example.com/me.jpg' });
    expect(response.statusCode).toBe(200);
    expect(response.json().user).toMatchObject({ bio: 'I write', image: 'https://example.com/me.jpg' });
    const reread = await app.inject({ url: '/api/user', headers: tokenHeader(user.token) });
    expect(reread.json().user).toMatchObject({ bio: 'I write', image: 'https://example.com/me.jpg' });
  });

  it('When bio and image are set to empty strings or null, then both become null', async () => {
    const user = await registerUser(app);
    await updateUser(user.token, { bio: 'temporary', image: 'https://example.com/x.jpg' });
    expect((await updateUser(user.token, { bio: '', image: null })).json().user).toMatchObject({
      bio: null,
      image: null,
    });
    await updateUser(user.token, { bio: 'again', image: 'https://example.com/y.jpg' });
    expect((await updateUser(user.token, { bio: null, image: '' })).json().user).toMatchObject({
      bio: null,
      image: null,
    });
  });

  it('When username and email change, then the same token keeps working and shows the new values', async () => {
    const user = await registerUser(app);
    const next = buildUser();
    const response = await updateUser(user.token, {
      username: next.username,
      email: next.email.toUpperCase(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().user).toMatchObject({
      username: next.username,
      email: next.email,
      token: user.token,
    });
    const reread = await app.inject({ url: '/api/user', headers: tokenHeader(user.token) });
    expect(reread.json().user).toMatchObject({ username: next.username, email: next.email });
  });

  it('When the password changes, then only the new password logs in', async () => {
    const user = await registerUser(app);
    expect((await updateUser(user.token, { password: 'a'.repeat(64) })).statusCode).toBe(200);
    const login = (password: string) =>
      app.inject({
        method: 'POST',
        url: '/api/users/login',
        payload: { user: { email: user.email, password } },
      });
    expect((await login(user.password)).statusCode).toBe(401);
    expect((await login('a'.repeat(64))).statusCode).toBe(200);
  });

  it("When the username or email belongs to someone else, then 409 says it's taken", async () => {
    const user = await registerUser(app);
    const other = await registerUser(app);
    expectError(await updateUser(user.token, { username: other.username }), 409, {
      username: ['has already been taken'],
    });
    expectError(await updateUser(user.token, { email: other.email.toUpperCase() }), 409, {
      email: ['has already been taken'],
    });
  });

  it('When a user re-submits their own username and email, then it is not a conflict', async () => {
    const user = await registerUser(app);
    const response = await updateUser(user.token, { username: user.username, email: user.email });
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['email', { email: '' }, "can't be blank"],
    ['email', { email: null }, "can't be blank"],
    ['username', { username: '' }, "can't be blank"],
    ['username', { username: null }, "can't be blank"],
    ['password', { password: '' }, "can't be blank"],
    ['password', { password: null }, "can't be blank"],
    ['password', { password: 'short7c' }, 'is too short (minimum is 8 characters)'],
    ['bio', { bio: 12 }, 'must be a string or null'],
  ])('When %s is %j, then 422 rejects the update', async (field, change, message) => {
    const user = await registerUser(app);
    expectError(await updateUser(user.token, change), 422, { [field]: [message] });
  });

  it('When no field is sent, then 422 asks for at least one', async () => {
    const user = await registerUser(app);
    expectError(await updateUser(user.token, {}), 422, {
      user: ['must contain at least one of email, username, password, bio, image'],
    });
  });
});
