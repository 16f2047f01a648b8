import { randomUUID } from 'node:crypto';
import type { Queryable } from '@scaling/db';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from 'jose';
import { sealPrivateKey } from './sealing.ts';

/** The one algorithm tokens are signed and verified with: Ed25519 signatures, small and fast to verify. */
export const signingAlgorithm = 'EdDSA';

/** The key the ring signs with now. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

/** A row of signing_keys, as the ring and the rotation read it. */
export interface SigningKeyRow {
  kid: string;
  public_jwk: JWK;
  private_jwk_sealed: string;
  signs_from: Date;
  retired_at: Date | null;
  verify_until: Date | null;
}

/** Only the members a verifier needs: whatever else a stored JWK held, `d` above all, never leaves the ring. */
export function publicJwkOf(kid: string, jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid, alg: signingAlgorithm, use: 'sig' };
}

/** Generates an Ed25519 pair and inserts it, its private half sealed under the secret, to sign from `signsFrom`. */
export async function insertNewSigningKey(
  db: Queryable,
  { encryptionSecret, signsFrom, createdAt }: { encryptionSecret: string; signsFrom: Date; createdAt: Date },
): Promise<string> {
  const kid = randomUUID();
  const { publicKey, privateKey } = await generateKeyPair(signingAlgorithm, {
    crv: 'Ed25519',
    extractable: true,
  });
  const sealed = await sealPrivateKey(JSON.stringify(await exportJWK(privateKey)), kid, encryptionSecret);
  await db.query(
    `INSERT INTO signing_keys (kid, algorithm, public_jwk, private_jwk_sealed, created_at, signs_from)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [kid, signingAlgorithm, publicJwkOf(kid, await exportJWK(publicKey)), sealed, createdAt, signsFrom],
  );
  return kid;
}

/**
 * Serializes the writers of signing_keys (replicas creating the first key, a rotation) across every process that
 * shares the database, until the transaction ends.
 */
export async function lockSigningKeys(client: Queryable): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext('signing_keys'))");
}
