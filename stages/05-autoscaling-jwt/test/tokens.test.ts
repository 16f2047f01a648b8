import { ask, asUser, eventually, expectOfficialSuitePasses, stagePrometheus } from '@scaling/testing';
import { describe, expect, it } from 'vitest';
import { refresh, signUp, useStage5 } from './support/booted-stage.ts';

const stage = useStage5();

/** The decoded protected header of a compact JWS. */
const jwtHeader = (token: string): { alg?: string; typ?: string; kid?: string } =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));

const invalidRefreshToken = { errors: { refreshToken: ['is invalid'] } };

describe('Stage 5 booted natively: signed access tokens and refresh tokens through the edge', () => {
  it('When the official RealWorld suite runs through the edge, then every request and assertion passes with JWTs as tokens', async () => {
    const user = await signUp(stage.apiUrl());
    expect(jwtHeader(user.token)).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });

    await expectOfficialSuitePasses(stage.apiUrl());
  }, 120_000);

  it('When the key set is read twice through the edge, then it lists the key of a new token and the edge answers the second read itself', async () => {
    const { token } = await signUp(stage.apiUrl());

    const first = await ask<{ keys: { kid: string; kty: string; alg?: string; d?: string }[] }>(
      stage.apiUrl(),
      '/.well-known/jwks.json',
    );
    const second = await ask(stage.apiUrl(), '/.well-known/jwks.json');

    expect(first.status).toBe(200);
    expect(first.body.keys.map((key) => key.kid)).toContain(jwtHeader(token).kid);
    // Public halves only: an Ed25519 JWK with its private part would carry "d".
    expect(first.body.keys.filter((key) => key.d !== undefined)).toEqual([]);
    expect(first.cacheControl).toMatch(/(^|, )public(,|$)/);
    expect(second).toMatchObject({ status: 200, edge: 'HIT' });
  });

  it('When a token is used on every replica, then each verifies it alone: no replica needs the one that signed it', async () => {
    const { token } = await signUp(stage.apiUrl());

    const reads = await Promise.all(
      Array.from({ length: 8 }, () => ask(stage.apiUrl(), '/user', { headers: asUser(token) })),
    );

    expect(reads.map((read) => read.status)).toEqual(Array(8).fill(200));
    expect(new Set(reads.map((read) => read.servedBy)).size).toBeGreaterThan(1);
  });

  it('When a refresh token is exchanged through the edge, then a new pair comes back, and the old one used again revokes the whole sign-in', async () => {
    const user = await signUp(stage.apiUrl());

    const exchanged = await refresh(stage.apiUrl(), user.refreshToken);
    const next = exchanged.body.user;
    const withNewToken = await ask(stage.apiUrl(), '/user', { headers: asUser(next.token) });
    const reused = await refresh(stage.apiUrl(), user.refreshToken);
    const successor = await refresh(stage.apiUrl(), next.refreshToken);

    expect(exchanged).toMatchObject({ status: 200, edge: 'PASS' });
    expect(next.refreshToken).not.toBe(user.refreshToken);
    expect(withNewToken.status).toBe(200);
    expect(reused).toMatchObject({ status: 401, body: invalidRefreshToken });
    expect(successor).toMatchObject({ status: 401, body: invalidRefreshToken });
  });

  it('When a user logs out, then their refresh token stops working at once, while the access token works until it expires: nothing is looked up to revoke it', async () => {
    const user = await signUp(stage.apiUrl());

    const logout = await ask(stage.apiUrl(), '/users/logout', {
      method: 'POST',
      headers: asUser(user.token),
    });
    const refreshed = await refresh(stage.apiUrl(), user.refreshToken);
    const read = await ask(stage.apiUrl(), '/user', { headers: asUser(user.token) });

    expect(logout.status).toBeLessThan(300);
    expect(refreshed).toMatchObject({ status: 401, body: invalidRefreshToken });
    expect(read.status).toBe(200);
  });

  it('When stage 5 runs natively, then Prometheus scrapes every app replica and the autoscaler, all up', async () => {
    // The first scrape of a target comes up to one interval (5 s) after the stage is up.
    const targets = await eventually(() => stagePrometheus(5).upTargets(), { timeoutMs: 30_000 });

    expect(targets.filter((target) => target.startsWith('app:')).length).toBeGreaterThanOrEqual(2);
    expect(targets.filter((target) => target.startsWith('autoscaler:'))).toHaveLength(1);
  });
});
