import { randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { seedPassword } from './plan.ts';

// TEMPORARY until @scaling/conduit exports its password hashing.
const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;

let cached: Promise<string> | undefined;

/** Every seeded user shares one password, so its (deliberately slow) hash is computed once per process. */
export function seedPasswordHash(): Promise<string> {
  cached ??= (async () => {
    const salt = randomBytes(16);
    const hash = await scryptAsync(seedPassword, salt, 64, { N: 16384, r: 8, p: 1 });
    return `scrypt$16384$8$1$${salt.toString('base64')}$${hash.toString('base64')}`;
  })();
  return cached;
}
