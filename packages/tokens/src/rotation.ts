import { withTransaction } from '@scaling/db';
import type pg from 'pg';
import { unsealPrivateKey } from './sealing.ts';
import { insertNewSigningKey, lockSigningKeys } from './signing-key.ts';

export interface RotationOptions {
  encryptionSecret: string;
  /** How long every replica has to load the new key before it signs: twice the ring's refreshSeconds. */
  activateAfterSeconds: number;
  /** The longest an access token lives: a retired key verifies that long after its last signature. */
  accessTtlSeconds: number;
  /** Added to that overlap for clocks that disagree (a signer behind, a verifier's tolerance). */
  leewaySeconds: number;
  now?: () => Date;
}

export interface Rotation {
  /** The new key, and when it signs. */
  kid: string;
  signsFrom: Date;
  /** The key it replaces, verifying the tokens it signed until `verifyUntil`; none when no key was current. */
  retired?: { kid: string; verifyUntil: Date };
  /** Keys past their verify_until, removed. */
  deleted: string[];
}

const seconds = (value: number) => value * 1000;

/**
 * Adds a key that signs after `activateAfterSeconds` and retires the current key at that moment; the retired key
 * keeps verifying for one access-token lifetime plus the leeway, so nobody is logged out. Keys past their overlap
 * are deleted. With no current key (a fresh database), the new key signs at once. A secret that does not open the
 * current key fails with TOKENS_KEY_UNSEAL_FAILED and changes nothing.
 */
export async function rotateSigningKey(db: pg.Pool, options: RotationOptions): Promise<Rotation> {
  const at = (options.now ?? (() => new Date()))();
  return withTransaction(db, async (client) => {
    await lockSigningKeys(client);
    const { rows: deleted } = await client.query<{ kid: string }>(
      'DELETE FROM signing_keys WHERE verify_until <= $1 RETURNING kid',
      [at],
    );
    const { rows: current } = await client.query<{ kid: string; private_jwk_sealed: string }>(
      'SELECT kid, private_jwk_sealed FROM signing_keys WHERE retired_at IS NULL ORDER BY signs_from DESC',
    );
    // A key sealed under another secret than the replicas' would never load there: refuse before changing anything.
    const replaced = current[0];
    if (replaced) await unsealPrivateKey(replaced.private_jwk_sealed, replaced.kid, options.encryptionSecret);
    const signsFrom =
      current.length === 0 ? at : new Date(at.getTime() + seconds(options.activateAfterSeconds));
    const verifyUntil = new Date(
      signsFrom.getTime() + seconds(options.accessTtlSeconds + options.leewaySeconds),
    );
    await client.query(
      'UPDATE signing_keys SET retired_at = $1, verify_until = $2 WHERE retired_at IS NULL',
      [signsFrom, verifyUntil],
    );
    const kid = await insertNewSigningKey(client, {
      encryptionSecret: options.encryptionSecret,
      signsFrom,
      createdAt: at,
    });
    return {
      kid,
      signsFrom,
      ...(replaced ? { retired: { kid: replaced.kid, verifyUntil } } : {}),
      deleted: deleted.map((row) => row.kid),
    };
  });
}
