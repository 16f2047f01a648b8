import { postgresPlugin } from '@scaling/db';
import { edgeCachingPlugin } from '@scaling/edge';
import { createOwnDatabase, type OwnDatabase } from '@scaling/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAccessTokens, jwksPath, jwksRoute, keyRingPlugin, rotateSigningKey } from '../src/index.ts';
import { buildAccessTokenSettings, buildKeyRingOptions, buildRotationOptions } from './support/factories.ts';

/** The app as a stage registers the ring and its key set, optionally behind the edge's caching headers. */
async function buildJwksApp(databaseUrl: string, { edge = false } = {}): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(postgresPlugin, { connectionString: databaseUrl });
  await app.register(keyRingPlugin, buildKeyRingOptions());
  if (edge)
    await app.register(edgeCachingPlugin, {
      routes: { tags: { sharedMaxAge: 300, staleWhileRevalidate: 60, staleIfError: 600 } },
    });
  await app.register(jwksRoute, { keys: app.keyRing, maxAgeSeconds: 30 });
  return app;
}

describe('jwksRoute', () => {
  let database: OwnDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await createOwnDatabase(inject('databaseUrl'), 'tokens');
    app = await buildJwksApp(database.url);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('When the key set is read, then it lists public keys only, cacheable by anyone, the edge included, for a short time', async () => {
    const response = await app.inject({ method: 'GET', url: jwksPath });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=30, s-maxage=30');
    const { keys } = response.json<{ keys: Record<string, string>[] }>();
    expect(keys).toEqual([
      {
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.any(String),
        kid: app.keyRing.signingKey().kid,
        alg: 'EdDSA',
        use: 'sig',
      },
    ]);
    expect(keys.some((key) => 'd' in key)).toBe(false);
  });

  it('When a rotation adds a key, then the key set lists it before it signs', async () => {
    const { kid } = await rotateSigningKey(database.pool, buildRotationOptions());
    await app.keyRing.reload();
    const { keys } = (await app.inject({ method: 'GET', url: jwksPath })).json<{ keys: { kid: string }[] }>();
    expect(keys.map((key) => key.kid)).toContain(kid);
    expect(app.keyRing.signingKey().kid).not.toBe(kid);
  });

  it('When a verifier outside the app uses the published key set, then a token of the app verifies with it', async () => {
    const token = await createAccessTokens(app.keyRing, buildAccessTokenSettings()).sign({
      userId: 3,
      sessionId: 'family-3',
    });
    const published = (await app.inject({ method: 'GET', url: jwksPath })).json();
    const { payload } = await jwtVerify(token, createLocalJWKSet(published), {
      algorithms: ['EdDSA'],
      typ: 'at+jwt',
      issuer: 'scaling-conduit',
      audience: 'conduit-api',
    });
    expect(payload.sub).toBe('3');
  });

  it('When the edge caching plugin marks every other read private, then the key set stays public', async () => {
    const edgeApp = await buildJwksApp(database.url, { edge: true });
    try {
      const response = await edgeApp.inject({ method: 'GET', url: jwksPath });
      expect(response.statusCode).toBe(200);
      expect(response.headers.etag).toBeDefined();
      expect(response.headers['cache-control']).toBe('public, max-age=30, s-maxage=30');
    } finally {
      await edgeApp.close();
    }
  });
});
