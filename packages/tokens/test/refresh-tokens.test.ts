import { createHash } from 'node:crypto';
import { buildUser } from '@scaling/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRefreshTokenStore, type RefreshTokenStoreOptions } from '../src/refresh-tokens.ts';
import { testClock } from './support/clock.ts';

const weekSeconds = 7 * 24 * 60 * 60;
const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

describe('createRefreshTokenStore on the test database', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 6 });
  });
  afterAll(async () => {
    await pool.end();
  });

  const storeWith = (options: Partial<RefreshTokenStoreOptions> = {}) =>
    createRefreshTokenStore(pool, { ttlSeconds: weekSeconds, ...options });

  async function insertUser(): Promise<number> {
    const user = buildUser();
    const { rows } = await pool.query<{ id: string }>(
      "INSERT INTO users (username, email, password_hash) VALUES ($1, $2, 'not-a-hash') RETURNING id",
      [user.username, user.email],
    );
    return Number(rows[0]?.id);
  }

  const familyOf = async (familyId: string) =>
    (
      await pool.query<{ user_id: string; revoked_reason: string | null; expires_at: Date }>(
        'SELECT user_id, revoked_reason, expires_at FROM refresh_token_families WHERE id = $1',
        [familyId],
      )
    ).rows[0];

  it('When a token is issued, then only its SHA-256 is stored, in a new family of the user that ends after the lifetime', async () => {
    const clock = testClock();
    const userId = await insertUser();
    const { familyId, refreshToken } = await storeWith({ now: clock.now }).issue(userId);
    expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { rows } = await pool.query('SELECT token_hash FROM refresh_tokens WHERE family_id = $1', [
      familyId,
    ]);
    expect(rows).toEqual([{ token_hash: hashOf(refreshToken) }]);
    expect(await familyOf(familyId)).toEqual({
      user_id: String(userId),
      revoked_reason: null,
      expires_at: new Date(clock.now().getTime() + weekSeconds * 1000),
    });
  });

  it('When a token is rotated, then its successor belongs to the same family and user and rotates in turn', async () => {
    const store = storeWith();
    const userId = await insertUser();
    const first = await store.issue(userId);
    const second = await store.rotate(first.refreshToken);
    expect(second).toEqual({ userId, familyId: first.familyId, refreshToken: expect.any(String) });
    expect(second?.refreshToken).not.toBe(first.refreshToken);
    const third = await store.rotate(second?.refreshToken ?? '');
    expect(third).toMatchObject({ userId, familyId: first.familyId });
  });

  it('When a used token is presented again, then it is refused and its whole family is revoked as a re-use', async () => {
    const store = storeWith();
    const userId = await insertUser();
    const first = await store.issue(userId);
    const second = await store.rotate(first.refreshToken);
    expect(await store.rotate(first.refreshToken)).toBeNull();
    expect(await familyOf(first.familyId)).toMatchObject({ revoked_reason: 'reuse' });
    expect(await store.rotate(second?.refreshToken ?? '')).toBeNull();
  });

  it('When five rotations of one token race, then exactly one gets a successor and the family is revoked (the strict rule)', async () => {
    const store = storeWith();
    const userId = await insertUser();
    const { familyId, refreshToken } = await store.issue(userId);
    const results = await Promise.all(Array.from({ length: 5 }, () => store.rotate(refreshToken)));
    const winners = results.filter((result) => result !== null);
    expect(winners).toHaveLength(1);
    expect(await familyOf(familyId)).toMatchObject({ revoked_reason: 'reuse' });
    expect(await store.rotate(winners[0]?.refreshToken ?? '')).toBeNull();
  });

  it('When a family reaches its absolute lifetime, then its newest token is refused however recently it was rotated', async () => {
    const clock = testClock();
    const store = storeWith({ ttlSeconds: 3600, now: clock.now });
    const userId = await insertUser();
    let { refreshToken } = await store.issue(userId);
    for (let step = 0; step < 3; step++) {
      clock.advance(1000);
      refreshToken = (await store.rotate(refreshToken))?.refreshToken ?? '';
      expect(refreshToken).not.toBe('');
    }
    clock.advance(601);
    expect(await store.rotate(refreshToken)).toBeNull();
  });

  it('When a token was never issued, then it is refused and no family changes', async () => {
    const store = storeWith();
    const userId = await insertUser();
    const { familyId } = await store.issue(userId);
    expect(await store.rotate('never-issued')).toBeNull();
    expect(await familyOf(familyId)).toMatchObject({ revoked_reason: null });
  });

  it('When a family is revoked at logout, then its unused token is refused and the reason is kept', async () => {
    const store = storeWith();
    const userId = await insertUser();
    const { familyId, refreshToken } = await store.issue(userId);
    await store.revokeFamily(familyId, 'logout');
    expect(await store.rotate(refreshToken)).toBeNull();
    expect(await familyOf(familyId)).toMatchObject({ revoked_reason: 'logout' });
  });

  it("When the other families of a user are revoked, then only the kept one and other users' families still rotate", async () => {
    const store = storeWith();
    const [userId, strangerId] = [await insertUser(), await insertUser()];
    const kept = await store.issue(userId);
    const other = await store.issue(userId);
    const stranger = await store.issue(strangerId);
    await store.revokeOtherFamilies(userId, kept.familyId, 'credentials-changed');
    expect(await familyOf(other.familyId)).toMatchObject({ revoked_reason: 'credentials-changed' });
    expect(await store.rotate(other.refreshToken)).toBeNull();
    expect(await store.rotate(kept.refreshToken)).not.toBeNull();
    expect(await store.rotate(stranger.refreshToken)).not.toBeNull();
  });

  it('When a user signs in again after a family expired, then the expired family and its tokens are deleted', async () => {
    const clock = testClock();
    const store = storeWith({ ttlSeconds: 60, now: clock.now });
    const userId = await insertUser();
    const expired = await store.issue(userId);
    clock.advance(61);
    const fresh = await store.issue(userId);
    expect(await familyOf(expired.familyId)).toBeUndefined();
    const { rows } = await pool.query('SELECT 1 FROM refresh_tokens WHERE token_hash = $1', [
      hashOf(expired.refreshToken),
    ]);
    expect(rows).toHaveLength(0);
    expect(await familyOf(fresh.familyId)).toBeDefined();
  });
});
