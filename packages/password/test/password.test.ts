import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/password.ts';

describe('password hashing', () => {
  it('When a password is hashed, then the hash verifies it and rejects another password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery!', hash)).toBe(false);
  });

  it('When the same password is hashed twice, then the random salt makes the hashes differ', async () => {
    const [first, second] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
  });

  it('When the stored hash is not an scrypt hash, then verification fails instead of throwing', async () => {
    expect(await verifyPassword('anything', 'plain-text')).toBe(false);
  });
});
