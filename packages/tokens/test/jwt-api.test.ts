import { buildUser, createOwnDatabase, type OwnDatabase } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rotateSigningKey } from '../src/index.ts';
import { testClock } from './support/clock.ts';
import { buildRotationOptions } from './support/factories.ts';
import { claimsLike, signToken, unsecuredToken, withPayload } from './support/forged-tokens.ts';
import {
  buildJwtApp,
  currentUser,
  invalidRefreshToken,
  invalidToken,
  refresh,
  signUp,
} from './support/jwt-app.ts';

describe('JWT sessions through the API', () => {
  let database: OwnDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    database = await createOwnDatabase(inject('databaseUrl'), 'tokens');
    app = await buildJwtApp({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const ringKey = () => app.keyRing.signingKey();
  const expectRefused = async (token: string) =>
    expect(await currentUser(app, token)).toEqual({ status: 401, body: invalidToken });

  it('When a user registers, then the token works, a refresh gives a new pair that works, and the old refresh token is refused', async () => {
    const user = await signUp(app);
    expect(await currentUser(app, user.token)).toMatchObject({
      status: 200,
      body: { user: { username: user.username } },
    });

    const first = await refresh(app, user.refreshToken);
    expect(first.statusCode, first.body).toBe(200);
    const renewed = first.json().user;
    expect(renewed).toMatchObject({
      username: user.username,
      token: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect(renewed.refreshToken).not.toBe(user.refreshToken);
    expect(await currentUser(app, renewed.token)).toMatchObject({ status: 200 });
    const second = await refresh(app, renewed.refreshToken);
    expect(second.statusCode, second.body).toBe(200);

    const replayed = await refresh(app, user.refreshToken);
    expect({ status: replayed.statusCode, body: replayed.json() }).toEqual({
      status: 401,
      body: invalidRefreshToken,
    });
  });

  it("When a token is signed with the ring's key and the claims of a real token, then it is accepted (each forgery below changes one thing)", async () => {
    const user = await signUp(app);
    const token = await signToken(ringKey(), claimsLike(user.token, new Date()));
    expect(await currentUser(app, token)).toMatchObject({
      status: 200,
      body: { user: { username: user.username } },
    });
  });

  it('When a token says alg none and carries no signature, then it is refused', async () => {
    const user = await signUp(app);
    await expectRefused(
      unsecuredToken({ typ: 'at+jwt', kid: ringKey().kid }, claimsLike(user.token, new Date())),
    );
  });

  it('When a token is signed with HS256 keyed with the public key (key confusion), then it is refused', async () => {
    const user = await signUp(app);
    const [publicJwk] = app.keyRing.jwks().keys;
    if (publicJwk === undefined) throw new Error('The ring publishes no key.');
    const publicKey = await importJWK(publicJwk, 'EdDSA', { extractable: true });
    const secrets = [
      new TextEncoder().encode(await exportSPKI(publicKey as CryptoKey)),
      new TextEncoder().encode(JSON.stringify(publicJwk)),
      Buffer.from(publicJwk.x ?? '', 'base64url'),
    ];
    for (const secret of secrets) {
      const token = await signToken(
        { kid: ringKey().kid, privateKey: secret },
        claimsLike(user.token, new Date()),
        {
          alg: 'HS256',
        },
      );
      await expectRefused(token);
    }
  });

  it('When a token names a kid the ring does not hold, then it is refused, even signed with the current key', async () => {
    const user = await signUp(app);
    const unknownKid = { kid: 'retired-long-ago', privateKey: ringKey().privateKey };
    await expectRefused(await signToken(unknownKid, claimsLike(user.token, new Date())));
  });

  it('When a token carries its own public key in a jwk header, then that key is not used and the token is refused', async () => {
    const user = await signUp(app);
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(publicKey);
    await expectRefused(
      await signToken({ kid: ringKey().kid, privateKey }, claimsLike(user.token, new Date()), { jwk }),
    );
  });

  it('When a token expired longer ago than the clock skew, then it is refused', async () => {
    const user = await signUp(app);
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(
      await signToken(ringKey(), claimsLike(user.token, new Date(), { iat: now - 120, exp: now - 60 })),
    );
  });

  it('When a token is not valid yet (iat and nbf later than the clock skew), then it is refused', async () => {
    const user = await signUp(app);
    const later = new Date(Date.now() + 120_000);
    const token = await signToken(
      ringKey(),
      claimsLike(user.token, later, { nbf: Math.floor(later.getTime() / 1000) }),
    );
    await expectRefused(token);
  });

  it('When a token names another issuer, then it is refused', async () => {
    const user = await signUp(app);
    await expectRefused(
      await signToken(ringKey(), claimsLike(user.token, new Date(), { iss: 'someone-else' })),
    );
  });

  it('When a token names another audience, then it is refused', async () => {
    const user = await signUp(app);
    await expectRefused(
      await signToken(ringKey(), claimsLike(user.token, new Date(), { aud: 'another-api' })),
    );
  });

  it('When a token is typed JWT instead of at+jwt (an ID token, say), then it is refused', async () => {
    const user = await signUp(app);
    await expectRefused(await signToken(ringKey(), claimsLike(user.token, new Date()), { typ: 'JWT' }));
  });

  it("When a token's payload is edited to name another user and its signature kept, then it is refused", async () => {
    const [victim, attacker] = [await signUp(app), await signUp(app)];
    const victimId = claimsLike(victim.token, new Date()).sub;
    const tampered = withPayload(attacker.token, {
      ...claimsLike(attacker.token, new Date()),
      sub: victimId,
    });
    await expectRefused(tampered);
  });

  it('When a used refresh token is presented again, then it is refused and the refresh token it was exchanged for stops working too', async () => {
    const user = await signUp(app);
    const renewed = (await refresh(app, user.refreshToken)).json().user;
    const replayed = await refresh(app, user.refreshToken);
    expect({ status: replayed.statusCode, body: replayed.json() }).toEqual({
      status: 401,
      body: invalidRefreshToken,
    });
    const afterReuse = await refresh(app, renewed.refreshToken);
    expect({ status: afterReuse.statusCode, body: afterReuse.json() }).toEqual({
      status: 401,
      body: invalidRefreshToken,
    });
  });

  it("When two refreshes with the same token race, then exactly one gets a new pair and the family is revoked, the winner's refresh token included (the strict rule)", async () => {
    const user = await signUp(app);
    const responses = await Promise.all([refresh(app, user.refreshToken), refresh(app, user.refreshToken)]);
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 401]);
    const winner = responses.find((response) => response.statusCode === 200)?.json().user;
    const next = await refresh(app, winner.refreshToken);
    expect({ status: next.statusCode, body: next.json() }).toEqual({
      status: 401,
      body: invalidRefreshToken,
    });
    // A revoked family ends refreshing, not the access token already handed out: it runs until it expires.
    expect(await currentUser(app, winner.token)).toMatchObject({ status: 200 });
  });

  it('When a user logs out, then the refresh token is refused, while the access token stays valid until it expires', async () => {
    const user = await signUp(app);
    const logout = await app.inject({
      method: 'POST',
      url: '/api/users/logout',
      headers: { authorization: `Token ${user.token}` },
    });
    expect(logout.statusCode).toBe(204);
    const after = await refresh(app, user.refreshToken);
    expect({ status: after.statusCode, body: after.json() }).toEqual({
      status: 401,
      body: invalidRefreshToken,
    });
    expect(await currentUser(app, user.token)).toMatchObject({ status: 200 });
  });

  it('When the password changes, then the other sign-ins of the user can no longer refresh and this one can', async () => {
    const credentials = buildUser();
    await app.inject({ method: 'POST', url: '/api/users', payload: { user: credentials } });
    const login = () =>
      app.inject({
        method: 'POST',
        url: '/api/users/login',
        payload: { user: { email: credentials.email, password: credentials.password } },
      });
    const [laptop, phone] = [(await login()).json().user, (await login()).json().user];
    expect(phone.refreshToken).toEqual(expect.any(String));
    const change = await app.inject({
      method: 'PUT',
      url: '/api/user',
      headers: { authorization: `Token ${laptop.token}` },
      payload: { user: { password: 'a-new-password-123' } },
    });
    expect(change.statusCode, change.body).toBe(200);
    expect((await refresh(app, phone.refreshToken)).statusCode).toBe(401);
    expect((await refresh(app, laptop.refreshToken)).statusCode).toBe(200);
  });

  it('When a refresh token is longer than the bound or missing, then 422 says so before any lookup', async () => {
    const tooLong = await refresh(app, 'x'.repeat(129));
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json()).toEqual({
      errors: { refreshToken: ['is too long (maximum is 128 characters)'] },
    });
    const missing = await app.inject({ method: 'POST', url: '/api/users/refresh', payload: { user: {} } });
    expect(missing.statusCode).toBe(422);
  });

  it('When the OpenAPI document is read, then refresh and logout are documented with their rules', async () => {
    const document = (await app.inject({ url: '/api/openapi.json' })).json();
    const refreshOperation = document.paths['/api/users/refresh'].post;
    expect(refreshOperation.summary).toMatch(/refresh token/);
    for (const rule of [/Rotation on every use/, /Re-use revokes the family/, /exactly one wins/, /7 days/]) {
      expect(refreshOperation.description).toMatch(rule);
    }
    expect(document.paths['/api/users/logout'].post.description).toMatch(/stays valid until it expires/);
  });
});

describe('a signing key retired by a rotation', () => {
  let database: OwnDatabase;
  let app: FastifyInstance;
  const clock = testClock();
  beforeAll(async () => {
    database = await createOwnDatabase(inject('databaseUrl'), 'tokens');
    app = await buildJwtApp({ databaseUrl: database.url, now: clock.now });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('When a retired key is past its overlap, then a token it signs is refused, while within the overlap its tokens were accepted', async () => {
    const user = await signUp(app);
    const retired = app.keyRing.signingKey();
    const rotation = await rotateSigningKey(database.pool, buildRotationOptions({ now: clock.now }));
    clock.set(new Date(rotation.signsFrom.getTime() + 1000));
    await app.keyRing.reload();
    expect(app.keyRing.signingKey().kid).toBe(rotation.kid);
    expect(await currentUser(app, user.token)).toMatchObject({ status: 200 });

    clock.set(new Date((rotation.retired?.verifyUntil.getTime() ?? 0) + 1000));
    await app.keyRing.reload();
    const claims = claimsLike(user.token, clock.now());
    expect(await currentUser(app, await signToken(retired, claims))).toEqual({
      status: 401,
      body: invalidToken,
    });
    expect(await currentUser(app, await signToken(app.keyRing.signingKey(), claims))).toMatchObject({
      status: 200,
    });
  });
});
