import { createOwnDatabase, type OwnDatabase } from '@scaling/testing';
import fc from 'fast-check';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AccessTokens, createAccessTokens, type KeyRing, startKeyRing } from '../src/index.ts';
import { testClock } from './support/clock.ts';
import { buildAccessTokenSettings, buildKeyRingOptions } from './support/factories.ts';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('createAccessTokens', () => {
  let database: OwnDatabase;
  let ring: KeyRing;
  let tokens: AccessTokens;

  beforeAll(async () => {
    database = await createOwnDatabase(inject('databaseUrl'), 'tokens');
    ring = await startKeyRing(database.pool, buildKeyRingOptions());
    tokens = createAccessTokens(ring, buildAccessTokenSettings());
  });
  afterAll(async () => {
    ring.close();
    await database.drop();
  });

  it('When a token is signed, then it carries the RFC 9068 header and claims and verifies on another replica', async () => {
    const token = await tokens.sign({ userId: 42, sessionId: 'family-42' });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: ring.signingKey().kid });
    const claims = decodeJwt(token);
    expect(claims).toEqual({
      iss: 'scaling-conduit',
      aud: 'conduit-api',
      sub: '42',
      sid: 'family-42',
      client_id: 'conduit',
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iat: expect.any(Number),
      exp: (claims.iat ?? 0) + 900,
    });
    const otherReplica = await startKeyRing(database.pool, buildKeyRingOptions());
    try {
      expect(await createAccessTokens(otherReplica, buildAccessTokenSettings()).verify(token)).toEqual({
        userId: 42,
        sessionId: 'family-42',
      });
    } finally {
      otherReplica.close();
    }
  });

  it('When verify is given arbitrary text or JWT-shaped garbage under a known kid, then it returns null and never throws', async () => {
    const kid = ring.signingKey().kid;
    const segment = fc.oneof(fc.base64String(), fc.string(), fc.constant(''));
    const knownHeader = base64url({ alg: 'EdDSA', typ: 'at+jwt', kid });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 3000 }),
          fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
          fc
            .tuple(fc.jsonValue(), segment)
            .map(([payload, signature]) => [knownHeader, base64url({ value: payload }), signature].join('.')),
          fc
            .tuple(fc.object(), fc.object(), segment)
            .map(([header, payload, signature]) =>
              [base64url({ ...header, alg: 'EdDSA', kid }), base64url(payload), signature].join('.'),
            ),
        ),
        async (garbage) => {
          expect(await tokens.verify(garbage)).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('When a token is signed by another key pair under a kid the ring knows, then it is refused', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const genuine = decodeJwt(await tokens.sign({ userId: 5, sessionId: 'family-5' }));
    const forged = await new SignJWT(genuine)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: ring.signingKey().kid })
      .sign(privateKey);
    expect(await tokens.verify(forged)).toBeNull();
  });

  it('When a token names a key of its own in its header (jwk), then that key is ignored and the token refused', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const genuine = decodeJwt(await tokens.sign({ userId: 5, sessionId: 'family-5' }));
    const forged = await new SignJWT(genuine)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', jwk: await exportJWK(publicKey) })
      .sign(privateKey);
    expect(await tokens.verify(forged)).toBeNull();
  });

  it('When a token is past its exp by less than the clock skew, then it verifies; past the skew, then it is refused', async () => {
    const clock = testClock();
    const skewed = createAccessTokens(
      ring,
      buildAccessTokenSettings({ clockSkewSeconds: 30, now: clock.now }),
    );
    const claims = { userId: 9, sessionId: 'family-9' };
    const token = await skewed.sign(claims);
    clock.advance(900 + 29);
    expect(await skewed.verify(token)).toEqual(claims);
    clock.advance(2);
    expect(await skewed.verify(token)).toBeNull();
  });
});
