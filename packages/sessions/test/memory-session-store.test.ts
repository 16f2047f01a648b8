import { describe, expect, it } from 'vitest';
import { createMemorySessionStore } from '../src/index.ts';

describe('createMemorySessionStore', () => {
  it('When a session is created, then its token resolves to the user id', async () => {
    const store = createMemorySessionStore();
    const token = await store.create(42);
    expect(await store.resolve(token)).toBe(42);
  });

  it('When a session is created, then the token is 32 random bytes in base64url', async () => {
    const store = createMemorySessionStore();
    const token = await store.create(1);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('When the same user logs in twice, then each session gets its own token', async () => {
    const store = createMemorySessionStore();
    const first = await store.create(7);
    const second = await store.create(7);
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
    const revoked = await store.create(3);
    const kept = await store.create(3);
    await store.revoke(revoked);
    expect(await store.resolve(revoked)).toBeNull();
    expect(await store.resolve(kept)).toBe(3);
  });

  it('When two stores exist, then they share no sessions (memory is per process)', async () => {
    const token = await createMemorySessionStore().create(5);
    expect(await createMemorySessionStore().resolve(token)).toBeNull();
  });
});
