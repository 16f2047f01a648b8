import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAccessTokens, rotateSigningKey, startKeyRing, TokenKeyError } from '../src/index.ts';
import { unsealPrivateKey } from '../src/sealing.ts';
import { testClock } from './support/clock.ts';
import {
  buildAccessTokenSettings,
  buildKeyRingOptions,
  buildRotationOptions,
  testEncryptionSecret,
} from './support/factories.ts';
import { useKeyRingDatabase } from './support/key-ring-database.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startKeyRing', () => {
  const database = useKeyRingDatabase();
  const start = database.startRing;

  it('When several replicas start their rings at once on an empty table, then exactly one first key is created and all sign with it', async () => {
    const started = await Promise.all(Array.from({ length: 5 }, () => start()));
    const { rows } = await database.pool.query<{ kid: string }>('SELECT kid FROM signing_keys');
    expect(rows).toHaveLength(1);
    expect(started.map((ring) => ring.signingKey().kid)).toEqual(started.map(() => rows[0]?.kid));
  });

  it('When a key is created, then the table holds its public half and a sealed private half that opens only with the secret', async () => {
    const ring = await start();
    const { rows } = await database.pool.query<{
      kid: string;
      public_jwk: object;
      private_jwk_sealed: string;
    }>('SELECT kid, public_jwk, private_jwk_sealed FROM signing_keys');
    const [row] = rows;
    expect(row?.kid).toBe(ring.signingKey().kid);
    expect(row?.public_jwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: expect.any(String),
      kid: row?.kid,
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(row?.private_jwk_sealed).not.toContain('"d"');
    const privateJwk = JSON.parse(
      await unsealPrivateKey(row?.private_jwk_sealed ?? '', row?.kid ?? '', testEncryptionSecret),
    );
    expect(privateJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', d: expect.any(String) });
  });

  it('When a ring starts with another JWT_KEY_ENCRYPTION_SECRET than the keys were sealed with, then it fails with TOKENS_KEY_UNSEAL_FAILED and says what to do', async () => {
    await start();
    const failure = await startKeyRing(
      database.pool,
      buildKeyRingOptions({ encryptionSecret: 'another-secret-of-enough-length' }),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TokenKeyError);
    expect(failure).toMatchObject({ code: 'TOKENS_KEY_UNSEAL_FAILED' });
    expect((failure as Error).message).toMatch(
      /cannot be decrypted with this JWT_KEY_ENCRYPTION_SECRET.*Start every replica with the secret/,
    );
  });

  it('When the encryption secret is shorter than 16 characters, then the ring refuses to start with TOKENS_ENCRYPTION_SECRET_TOO_SHORT', async () => {
    const failure = await startKeyRing(
      database.pool,
      buildKeyRingOptions({ encryptionSecret: 'short' }),
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'TOKENS_ENCRYPTION_SECRET_TOO_SHORT' });
    expect((failure as Error).message).toMatch(/at least 16/);
  });

  it('When another process rotates the keys, then the ring serves the new key within its refresh period and signs with it from its signs_from', async () => {
    const clock = testClock();
    const ring = await start({ refreshSeconds: 1, now: clock.now });
    const first = ring.signingKey().kid;
    const { kid, signsFrom } = await rotateSigningKey(
      database.pool,
      buildRotationOptions({ now: clock.now }),
    );
    await pause(1_500);
    expect(ring.jwks().keys.map((key) => key.kid)).toContain(kid);
    expect(ring.signingKey().kid).toBe(first);
    clock.set(signsFrom);
    const token = await createAccessTokens(ring, buildAccessTokenSettings({ now: clock.now })).sign({
      userId: 1,
      sessionId: 'family-1',
    });
    expect(decodeProtectedHeader(token).kid).toBe(kid);
  });

  it('When the ring is closed, then it stops reloading', async () => {
    const ring = await start({ refreshSeconds: 1 });
    ring.close();
    const { kid } = await rotateSigningKey(database.pool, buildRotationOptions());
    await pause(1_500);
    expect(ring.jwks().keys.map((key) => key.kid)).not.toContain(kid);
  });
});
