import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAccessTokens, rotateSigningKey } from '../src/index.ts';
import { testClock } from './support/clock.ts';
import { buildAccessTokenSettings, buildRotationOptions } from './support/factories.ts';
import { useKeyRingDatabase } from './support/key-ring-database.ts';

const kidOf = (token: string) => decodeProtectedHeader(token).kid;

describe('rotateSigningKey', () => {
  const database = useKeyRingDatabase();

  it("When the keys rotate, then earlier tokens verify through the overlap, the new kid signs only from its signs_from, and the old key's tokens are refused from its verify_until", async () => {
    const clock = testClock();
    const ring = await database.startRing({ now: clock.now });
    // Tokens outliving the rotation's assumed lifetime, so that only the key's end can refuse them.
    const tokens = createAccessTokens(ring, buildAccessTokenSettings({ ttlSeconds: 3600, now: clock.now }));
    const claims = { userId: 7, sessionId: 'family-7' };
    const oldKid = ring.signingKey().kid;
    const before = await tokens.sign(claims);

    const rotation = await rotateSigningKey(
      database.pool,
      buildRotationOptions({
        activateAfterSeconds: 60,
        accessTtlSeconds: 900,
        leewaySeconds: 60,
        now: clock.now,
      }),
    );
    await ring.reload();
    const verifyUntil = new Date(rotation.signsFrom.getTime() + 960_000);
    expect(rotation.signsFrom).toEqual(new Date(clock.now().getTime() + 60_000));
    expect(rotation.retired).toEqual({ kid: oldKid, verifyUntil });

    clock.advance(59);
    expect(kidOf(await tokens.sign(claims))).toBe(oldKid);
    clock.set(rotation.signsFrom);
    const after = await tokens.sign(claims);
    expect(kidOf(after)).toBe(rotation.kid);
    expect(await tokens.verify(before)).toEqual(claims);

    clock.set(new Date(verifyUntil.getTime() - 1_000));
    expect(await tokens.verify(before)).toEqual(claims);
    clock.set(verifyUntil);
    expect(await tokens.verify(before)).toBeNull();
    expect(await tokens.verify(after)).toEqual(claims);
    expect(ring.jwks().keys.map((key) => key.kid)).toEqual([rotation.kid]);
  });

  it('When no key is current (a fresh database), then the rotated-in key signs at once and nothing is retired', async () => {
    const clock = testClock();
    const rotation = await rotateSigningKey(database.pool, buildRotationOptions({ now: clock.now }));
    expect(rotation.signsFrom).toEqual(clock.now());
    expect(rotation.retired).toBeUndefined();
    const ring = await database.startRing({ now: clock.now });
    expect(ring.signingKey().kid).toBe(rotation.kid);
  });

  it('When a rotation is given another secret than the current key was sealed with, then it fails with TOKENS_KEY_UNSEAL_FAILED and changes nothing', async () => {
    const first = await rotateSigningKey(database.pool, buildRotationOptions());
    const failure = await rotateSigningKey(
      database.pool,
      buildRotationOptions({ encryptionSecret: 'another-secret-of-enough-length' }),
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'TOKENS_KEY_UNSEAL_FAILED' });
    const { rows } = await database.pool.query('SELECT kid, retired_at FROM signing_keys');
    expect(rows).toEqual([{ kid: first.kid, retired_at: null }]);
  });

  it('When a rotation runs after a retired key has passed its verify_until, then that key is deleted and the others stay', async () => {
    const clock = testClock();
    const first = await rotateSigningKey(database.pool, buildRotationOptions({ now: clock.now }));
    const second = await rotateSigningKey(database.pool, buildRotationOptions({ now: clock.now }));
    clock.set(second.retired?.verifyUntil ?? new Date(0));
    const third = await rotateSigningKey(database.pool, buildRotationOptions({ now: clock.now }));
    expect(third.deleted).toEqual([first.kid]);
    const { rows } = await database.pool.query<{ kid: string }>(
      'SELECT kid FROM signing_keys ORDER BY signs_from',
    );
    expect(rows.map((row) => row.kid)).toEqual([second.kid, third.kid]);
  });
});
