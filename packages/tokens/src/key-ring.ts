import { withTransaction } from '@scaling/db';
import { type CryptoKey, importJWK, type JWK } from 'jose';
import type pg from 'pg';
import { TokenKeyError } from './errors.ts';
import { unsealPrivateKey } from './sealing.ts';
import {
  insertNewSigningKey,
  lockSigningKeys,
  publicJwkOf,
  type SigningKey,
  type SigningKeyRow,
  signingAlgorithm,
} from './signing-key.ts';

export interface KeyRingOptions {
  /** How often the ring reads signing_keys again; a rotation waits twice this long before its key signs. */
  refreshSeconds: number;
  encryptionSecret: string;
  now?: () => Date;
  /** A periodic reload failed (Postgres unreachable...): the ring keeps the keys it has and tries again later. */
  onReloadError?: (error: unknown) => void;
}

/** The signing keys in memory, read from signing_keys at start and every `refreshSeconds`. */
export interface KeyRing {
  /** The newest key whose signs_from has passed. */
  signingKey(): SigningKey;
  /** The public key of `kid` while it is not past its verify_until; undefined for a kid the ring does not hold. */
  verificationKey(kid: string): CryptoKey | undefined;
  /** Public keys only: those that verify, and those that will sign soon (so verifiers fetch them in time). */
  jwks(): { keys: JWK[] };
  reload(): Promise<void>;
  /** Stops the reload timer. */
  close(): void;
}

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: CryptoKey;
  /** Absent for a key that has retired: it verifies only. */
  privateKey?: CryptoKey;
  signsFrom: Date;
  retiredAt: Date | null;
  verifyUntil: Date | null;
}

/**
 * Loads the signing keys, creating the first one when there is no current key (under an advisory lock, so that
 * replicas booting together create one between them), and reloads them every `refreshSeconds`.
 */
export async function startKeyRing(db: pg.Pool, options: KeyRingOptions): Promise<KeyRing> {
  const now = options.now ?? (() => new Date());
  let keys: LoadedKey[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const mayStillSign = (key: { retiredAt: Date | null }, at: Date) =>
    key.retiredAt === null || key.retiredAt > at;
  const verifies = (key: LoadedKey, at: Date) => key.verifyUntil === null || key.verifyUntil > at;

  async function reload(): Promise<void> {
    const rows = await readSigningKeys(db);
    const at = now();
    const known = new Map(keys.map((key) => [key.kid, key]));
    // Private keys are unsealed once per process (an scrypt each); retired ones are not needed any more.
    keys = await Promise.all(
      rows.map(async (row) => {
        const loaded = known.get(row.kid) ?? (await loadKey(row, options.encryptionSecret, at));
        return { ...loaded, retiredAt: row.retired_at, verifyUntil: row.verify_until };
      }),
    );
  }

  function scheduleReload(): void {
    timer = setTimeout(async () => {
      try {
        await reload();
      } catch (error) {
        if (!closed) options.onReloadError?.(error);
      }
      if (!closed) scheduleReload();
    }, options.refreshSeconds * 1000);
    // A pending reload must not keep a process alive that is otherwise done.
    timer.unref();
  }

  await createFirstKeyIfNone(db, options.encryptionSecret, now());
  await reload();
  scheduleReload();

  return {
    signingKey() {
      const at = now();
      const current = keys
        .filter((key) => key.signsFrom <= at)
        .sort((a, b) => b.signsFrom.getTime() - a.signsFrom.getTime())[0];
      if (current?.privateKey === undefined || !mayStillSign(current, at)) {
        throw new TokenKeyError(
          'TOKENS_NO_SIGNING_KEY',
          'No signing key is valid now: signing_keys holds none whose signs_from has passed and that has not ' +
            "retired. Run 'pnpm tokens rotate' to add one, or check this machine's clock.",
        );
      }
      return { kid: current.kid, privateKey: current.privateKey };
    },
    verificationKey(kid) {
      const key = keys.find((candidate) => candidate.kid === kid);
      return key && verifies(key, now()) ? key.publicKey : undefined;
    },
    jwks() {
      const at = now();
      return { keys: keys.filter((key) => verifies(key, at)).map((key) => key.publicJwk) };
    },
    reload,
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}

async function readSigningKeys(db: pg.Pool): Promise<SigningKeyRow[]> {
  try {
    const { rows } = await db.query<SigningKeyRow>(
      `SELECT kid, public_jwk, private_jwk_sealed, signs_from, retired_at, verify_until
       FROM signing_keys WHERE algorithm = $1`,
      [signingAlgorithm],
    );
    return rows;
  } catch (error) {
    throw tableMissing(error) ?? error;
  }
}

async function loadKey(row: SigningKeyRow, secret: string, at: Date): Promise<LoadedKey> {
  const publicJwk = publicJwkOf(row.kid, row.public_jwk);
  const publicKey = await importJWK(publicJwk, signingAlgorithm);
  const signs = row.retired_at === null || row.retired_at > at;
  const privateKey = signs
    ? await importJWK(
        JSON.parse(await unsealPrivateKey(row.private_jwk_sealed, row.kid, secret)),
        signingAlgorithm,
      )
    : undefined;
  return {
    kid: row.kid,
    publicJwk,
    publicKey: publicKey as CryptoKey,
    ...(privateKey ? { privateKey: privateKey as CryptoKey } : {}),
    signsFrom: row.signs_from,
    retiredAt: row.retired_at,
    verifyUntil: row.verify_until,
  };
}

/** The first key signs at once: no replica has loaded any key yet, so there is nobody to wait for. */
async function createFirstKeyIfNone(db: pg.Pool, encryptionSecret: string, at: Date): Promise<void> {
  try {
    await withTransaction(db, async (client) => {
      await lockSigningKeys(client);
      const { rowCount } = await client.query('SELECT 1 FROM signing_keys WHERE retired_at IS NULL LIMIT 1');
      if (rowCount === 0)
        await insertNewSigningKey(client, { encryptionSecret, signsFrom: at, createdAt: at });
    });
  } catch (error) {
    throw tableMissing(error) ?? error;
  }
}

function tableMissing(error: unknown): TokenKeyError | undefined {
  if ((error as { code?: string }).code !== '42P01') return undefined;
  return new TokenKeyError(
    'TOKENS_SIGNING_KEYS_TABLE_MISSING',
    'The table signing_keys does not exist: run the migrations (packages/db/migrations/0005_tokens.sql) on this ' +
      "database first ('pnpm stack up' does it for a stage).",
    { cause: error },
  );
}
