import { type Queryable, withTransaction } from '@scaling/db';
import { generateSessionToken, hashSessionToken } from '@scaling/sessions';
import type pg from 'pg';

/** Why a family stopped working, as stored in refresh_token_families.revoked_reason. */
export type FamilyRevocationReason = 'logout' | 'reuse' | 'credentials-changed';

export interface RefreshTokenStoreOptions {
  /** The absolute lifetime of a family (a sign-in): rotation never extends it. */
  ttlSeconds: number;
  /** The clock of expiry and revocation times; the real one unless a test moves it. */
  now?: () => Date;
}

export interface IssuedRefreshToken {
  /** The family the token belongs to: access tokens carry it as `sid`, so logout can end the sign-in. */
  familyId: string;
  refreshToken: string;
}

export interface RefreshTokenStore {
  /** Starts a family (a new sign-in) and returns its first token. */
  issue(userId: number): Promise<IssuedRefreshToken>;
  /**
   * Uses up the token and returns its successor in the same family; null when the token is unknown, expired or
   * revoked. A token used before is a re-use: its whole family is revoked and null returned.
   */
  rotate(refreshToken: string): Promise<(IssuedRefreshToken & { userId: number }) | null>;
  revokeFamily(familyId: string, reason: FamilyRevocationReason): Promise<void>;
  /** Every live family of the user but `keepFamilyId` (all of them when it is null). */
  revokeOtherFamilies(
    userId: number,
    keepFamilyId: string | null,
    reason: FamilyRevocationReason,
  ): Promise<void>;
}

/** Families are keyed by uuid: anything else cannot name one, and Postgres would refuse it as a uuid. */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Refresh tokens in Postgres (RFC 9700's rotation with re-use detection). Only SHA-256 hashes of the tokens are
 * stored. Rotation marks the token used with `used_at IS NULL` in its WHERE clause, so of two concurrent
 * rotations of one token Postgres lets exactly one update the row; the other then finds a used token, counts it
 * as a re-use and revokes the family, the winner's new token included (the strict rule).
 */
export function createRefreshTokenStore(
  db: pg.Pool,
  { ttlSeconds, now = () => new Date() }: RefreshTokenStoreOptions,
): RefreshTokenStore {
  async function addToken(client: Queryable, familyId: string, at: Date): Promise<string> {
    const refreshToken = generateSessionToken();
    await client.query('INSERT INTO refresh_tokens (token_hash, family_id, issued_at) VALUES ($1, $2, $3)', [
      hashSessionToken(refreshToken),
      familyId,
      at,
    ]);
    return refreshToken;
  }

  async function revokeFamily(client: Queryable, familyId: string, reason: FamilyRevocationReason, at: Date) {
    await client.query(
      `UPDATE refresh_token_families SET revoked_at = $2, revoked_reason = $3
        WHERE id = $1 AND revoked_at IS NULL`,
      [familyId, at, reason],
    );
  }

  return {
    async issue(userId) {
      const at = now();
      return withTransaction(db, async (client) => {
        // The user's expired sign-ins go at their next one: the table holds at most one lifetime of them.
        await client.query('DELETE FROM refresh_token_families WHERE user_id = $1 AND expires_at <= $2', [
          userId,
          at,
        ]);
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO refresh_token_families (user_id, created_at, expires_at)
           VALUES ($1, $2, $3) RETURNING id`,
          [userId, at, new Date(at.getTime() + ttlSeconds * 1000)],
        );
        const { id: familyId } = inserted.rows[0] as { id: string };
        return { familyId, refreshToken: await addToken(client, familyId, at) };
      });
    },

    async rotate(refreshToken) {
      const tokenHash = hashSessionToken(refreshToken);
      const at = now();
      return withTransaction(db, async (client) => {
        // A concurrent rotation of the same token waits here on the row lock, then finds used_at set.
        const used = await client.query<{ family_id: string }>(
          `UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL RETURNING family_id`,
          [tokenHash, at],
        );
        const familyId = used.rows[0]?.family_id;
        if (familyId === undefined) {
          const reused = await client.query<{ family_id: string }>(
            'SELECT family_id FROM refresh_tokens WHERE token_hash = $1',
            [tokenHash],
          );
          const reusedFamily = reused.rows[0]?.family_id;
          if (reusedFamily !== undefined) await revokeFamily(client, reusedFamily, 'reuse', at);
          return null;
        }
        // FOR SHARE: a logout committing meanwhile waits, so it cannot slip between this check and the new token.
        const family = await client.query<{ user_id: string }>(
          `SELECT user_id FROM refresh_token_families
            WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2 FOR SHARE`,
          [familyId, at],
        );
        const userId = family.rows[0]?.user_id;
        if (userId === undefined) return null;
        return { userId: Number(userId), familyId, refreshToken: await addToken(client, familyId, at) };
      });
    },

    async revokeFamily(familyId, reason) {
      if (!uuidPattern.test(familyId)) return;
      await revokeFamily(db, familyId, reason, now());
    },

    async revokeOtherFamilies(userId, keepFamilyId, reason) {
      const keep = keepFamilyId !== null && uuidPattern.test(keepFamilyId) ? keepFamilyId : null;
      await db.query(
        `UPDATE refresh_token_families SET revoked_at = $3, revoked_reason = $4
          WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)`,
        [userId, keep, now(), reason],
      );
    },
  };
}
