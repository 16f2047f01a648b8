import type { Queryable } from '@scaling/db';

export interface UserRecord {
  id: number;
  username: string;
  email: string;
  bio: string | null;
  image: string | null;
}

export interface UserChanges {
  username?: string;
  email?: string;
  passwordHash?: string;
  bio?: string | null;
  image?: string | null;
}

const userColumns = 'id::float8 AS id, username, email, bio, image';

// Whitelisted column names: dynamic SET clauses never take a name from the request.
const changeColumns = {
  username: 'username',
  email: 'email',
  passwordHash: 'password_hash',
  bio: 'bio',
  image: 'image',
} as const satisfies Record<keyof UserChanges, string>;

const uniqueConstraintFields: Record<string, 'username' | 'email'> = {
  users_username_key: 'username',
  users_email_key: 'email',
};

/** The field a unique-violation error concerns, if it is one of the users table's unique keys. */
export function takenFieldOf(error: unknown): 'username' | 'email' | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && constraint ? uniqueConstraintFields[constraint] : undefined;
}

export function createUserRepository(db: Queryable) {
  return {
    async findById(id: number): Promise<UserRecord | null> {
      const { rows } = await db.query<UserRecord>(`SELECT ${userColumns} FROM users WHERE id = $1`, [id]);
      return rows[0] ?? null;
    },

    async findCredentials(email: string): Promise<{ id: number; passwordHash: string } | null> {
      const { rows } = await db.query<{ id: number; passwordHash: string }>(
        'SELECT id::float8 AS id, password_hash AS "passwordHash" FROM users WHERE email = $1',
        [email],
      );
      return rows[0] ?? null;
    },

    /** Which of username/email already belong to another user. */
    async findTakenFields(
      candidate: { username?: string | undefined; email?: string | undefined },
      exceptUserId: number | null,
    ): Promise<Array<'username' | 'email'>> {
      const { rows } = await db.query<{ username_taken: boolean; email_taken: boolean }>(
        `SELECT coalesce(bool_or(username = $1), false) AS username_taken, coalesce(bool_or(email = $2), false) AS email_taken
           FROM users
          WHERE (username = $1 OR email = $2) AND id IS DISTINCT FROM $3`,
        [candidate.username ?? null, candidate.email ?? null, exceptUserId],
      );
      const row = rows[0];
      const fields: Array<'username' | 'email'> = [];
      if (row?.username_taken) fields.push('username');
      if (row?.email_taken) fields.push('email');
      return fields;
    },

    async insert(user: { username: string; email: string; passwordHash: string }): Promise<UserRecord> {
      const { rows } = await db.query<UserRecord>(
        `INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3) RETURNING ${userColumns}`,
        [user.username, user.email, user.passwordHash],
      );
      return rows[0] as UserRecord;
    },

    /**
     * Applies the changes and says whether the e-mail changed (a front end sends it with every save): the FROM
     * row is read from the statement's snapshot, so it holds the e-mail from before the update.
     */
    async update(id: number, changes: UserChanges): Promise<(UserRecord & { emailChanged: boolean }) | null> {
      const assignments: string[] = [];
      const values: unknown[] = [id];
      for (const [key, column] of Object.entries(changeColumns)) {
        const value = changes[key as keyof UserChanges];
        if (value === undefined) continue;
        values.push(value);
        assignments.push(`${column} = $${values.length}`);
      }
      const { rows } = await db.query<UserRecord & { emailChanged: boolean }>(
        `UPDATE users SET ${[...assignments, 'updated_at = now()'].join(', ')}
           FROM (SELECT email AS previous_email FROM users WHERE id = $1) previous
          WHERE id = $1
          RETURNING ${userColumns}, previous_email <> email AS "emailChanged"`,
        values,
      );
      return rows[0] ?? null;
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
