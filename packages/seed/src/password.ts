import { hashPassword } from '@scaling/password';
import { seedPassword } from './plan.ts';

let cached: Promise<string> | undefined;

/** Every seeded user shares one password, so its (deliberately slow) hash is computed once per process. */
export function seedPasswordHash(): Promise<string> {
  cached ??= hashPassword(seedPassword);
  return cached;
}
