import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { TokenKeyError } from './errors.ts';

const scryptAsync = promisify(scrypt) as (
  secret: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number },
) => Promise<Buffer>;

/** At least 128 bits even when written as plain characters; `openssl rand -base64 32` gives 256. */
export const minEncryptionSecretLength = 16;

const formatVersion = 1;
const saltLength = 16;
const ivLength = 12;
const tagLength = 16;
// Node's default cost (16 MiB, tens of milliseconds): run once per key and process, since the ring keeps the result.
const scryptCost = { N: 2 ** 14, r: 8, p: 1 };

function checkSecret(secret: string): void {
  if (secret.length >= minEncryptionSecretLength) return;
  throw new TokenKeyError(
    'TOKENS_ENCRYPTION_SECRET_TOO_SHORT',
    `JWT_KEY_ENCRYPTION_SECRET has ${secret.length} characters; it needs at least ${minEncryptionSecretLength}. ` +
      'Set it to a random value (openssl rand -base64 32), the same on every replica, and start again.',
  );
}

// The key id is authenticated with the ciphertext: a sealed key copied onto another row does not open there.
const associatedData = (kid: string) => Buffer.from(`signing-key:${kid}`);

/**
 * Seals a private key for the signing_keys table: AES-256-GCM under a key derived with scrypt from the secret and
 * a random salt. One base64url string: version, salt, IV, tag, ciphertext.
 */
export async function sealPrivateKey(plaintext: string, kid: string, secret: string): Promise<string> {
  checkSecret(secret);
  const salt = randomBytes(saltLength);
  const iv = randomBytes(ivLength);
  const key = await scryptAsync(secret, salt, 32, scryptCost);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
  cipher.setAAD(associatedData(kid));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(formatVersion), salt, iv, cipher.getAuthTag(), ciphertext]).toString(
    'base64url',
  );
}

/** The plaintext `sealPrivateKey` sealed, or TOKENS_KEY_UNSEAL_FAILED under another secret or for altered bytes. */
export async function unsealPrivateKey(sealed: string, kid: string, secret: string): Promise<string> {
  checkSecret(secret);
  const bytes = Buffer.from(sealed, 'base64url');
  const headerLength = 1 + saltLength + ivLength + tagLength;
  if (bytes[0] !== formatVersion || bytes.length <= headerLength) throw unsealFailed(kid);
  const salt = bytes.subarray(1, 1 + saltLength);
  const iv = bytes.subarray(1 + saltLength, 1 + saltLength + ivLength);
  const tag = bytes.subarray(1 + saltLength + ivLength, headerLength);
  const key = await scryptAsync(secret, salt, 32, scryptCost);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
  decipher.setAAD(associatedData(kid));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(bytes.subarray(headerLength)), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw unsealFailed(kid, cause);
  }
}

function unsealFailed(kid: string, cause?: unknown): TokenKeyError {
  return new TokenKeyError(
    'TOKENS_KEY_UNSEAL_FAILED',
    `The private half of signing key ${kid} cannot be decrypted with this JWT_KEY_ENCRYPTION_SECRET: the key was ` +
      'sealed under another secret, or its row was altered. Start every replica with the secret the keys were ' +
      'created with; if that secret is lost, delete the rows of signing_keys (every access token then ends and ' +
      'its user refreshes or signs in again) and start again.',
    cause === undefined ? undefined : { cause },
  );
}
