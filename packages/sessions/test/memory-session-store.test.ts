import { describe, expect, it } from 'vitest';
import { createMemorySessionStore } from '../src/index.ts';

describe('createMemorySessionStore', () => {
  it('When a session is created, then its token resolves to the user id', async () => {
    const store = createMemorySessionStore();
    const { token } = await store.create(42);
    expect(await store.resolve(token)).toBe(42);
  });

  it('When a session is created, then the token is 32 random bytes in base64url and no refresh token comes with it', async () => {
    const store = createMemorySessionStore();
    const session = await store.create(1);
    expect(session).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(Buffer.from(session.token, 'base64url')).toHaveLength(32);
  });

  it('When the same user logs in twice, then each session gets its own token', async () => {
    const store = createMemorySessionStore();
    const { token: first } = await store.create(7);
    const { token: second } = await store.create(7);
    expect(first).not.toBe(second);
    expect(await store.resolve(first)).toBe(7);
    expect(await store.resolve(second)).toBe(7);
  });

  it('When a token was never issued, then it resolves to null', async () => {
    const store = createMemorySessionStore();
    expect(await store.resolve('not-a-token')).toBeNull();
  });

  it('When a session is revoked, then its token no longer resolves and other sessions survive', async () => {
    const store = createMemorySessionStore();
    const { token: revoked } = await store.create(3);
    const { token: kept } = await store.create(3);
    await store.revoke(revoked);
    expect(await store.resolve(revoked)).toBeNull();
    expect(await store.resolve(kept)).toBe(3);
  });

  it('When two stores exist, then they share no sessions (memory is per process)', async () => {
    const { token } = await createMemorySessionStore().create(5);
    expect(await createMemorySessionStore().resolve(token)).toBeNull();
  });

  it('When a session stays unused for its idle TTL, then it no longer resolves; used before that, it lives on', async () => {
    let now = 1_000_000;
    const store = createMemorySessionStore({ idleTtlSeconds: 60, now: () => now });
    const { token: used } = await store.create(1);
    const { token: unused } = await store.create(1);
    now += 59_000;
    expect(await store.resolve(used)).toBe(1);
    now += 59_000;
    expect(await store.resolve(used)).toBe(1);
    expect(await store.resolve(unused)).toBeNull();
  });

  it('When a session is used all the time, then it still ends at its absolute lifetime', async () => {
    let now = 1_000_000;
    const store = createMemorySessionStore({ idleTtlSeconds: 60, absoluteTtlSeconds: 300, now: () => now });
    const { token } = await store.create(1);
    for (let minute = 1; minute < 5; minute++) {
      now += 59_000;
      expect(await store.resolve(token)).toBe(1);
    }
    now += 65_000;
    expect(await store.resolve(token)).toBeNull();
  });

  it('When more sessions than the bound are created, then the oldest login is ended to make room', async () => {
    let now = 1_000_000;
    const store = createMemorySessionStore({ maxSessions: 2, now: () => now });
    const { token: oldest } = await store.create(1);
    now += 1_000;
    const { token: middle } = await store.create(2);
    now += 1_000;
    const { token: newest } = await store.create(3);
    expect(await store.resolve(oldest)).toBeNull();
    expect(await store.resolve(middle)).toBe(2);
    expect(await store.resolve(newest)).toBe(3);
  });

  it("When the other sessions of a user are revoked, then only the kept one and other users' sessions resolve", async () => {
    const store = createMemorySessionStore();
    const { token: kept } = await store.create(4);
    const { token: other } = await store.create(4);
    const { token: stranger } = await store.create(5);
    await store.revokeOthers(4, kept);
    expect(await store.resolve(kept)).toBe(4);
    expect(await store.resolve(other)).toBeNull();
    expect(await store.resolve(stranger)).toBe(5);
  });
});
