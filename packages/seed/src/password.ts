import { randomBytes, scrypt } from 'node:crypto';
import { seedPassword } from './plan.ts';

// Interim: @scaling/conduit does not export its hashPassword yet. This writes the same format with the same cost
// (`scrypt$N$r$p$salt$hash`, base64url), and should become a call to conduit's hashPassword once it is exported.
const cost = { N: 16_384, r: 8, p: 1 };

let cached: Promise<string> | undefined;

/** Every seeded user shares one password, so its (deliberately slow) hash is computed once per process. */
export function seedPasswordHash(): Promise<string> {
  cached ??= new Promise((resolve, reject) => {
    const salt = randomBytes(16);
    scrypt(seedPassword.normalize('NFKC'), salt, 64, cost, (error, key) =>
      error
        ? reject(error)
        : resolve(
            ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join(
              '$',
            ),
          ),
    );
  });
  return cached;
}
