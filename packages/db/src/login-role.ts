import type pg from 'pg';

export interface LoginRole {
  name: string;
  password: string;
}

/** Who logs in with a role, as its error messages name it and the variables that configure it. */
export interface LoginRoleHolder {
  /** "application", "monitoring": the role's kind in a sentence ("the application role"). */
  kind: string;
  /** "the application", "the exporter": who should get a role of its own. */
  holder: string;
  userVariable: string;
  passwordVariable: string;
}

/** A holder whose variables are `<prefix>_DATABASE_USER` and `<prefix>_DATABASE_PASSWORD`, as every stage names them. */
export function loginRoleHolder(kind: string, holder: string, variablePrefix: string): LoginRoleHolder {
  return {
    kind,
    holder,
    userVariable: `${variablePrefix}_DATABASE_USER`,
    passwordVariable: `${variablePrefix}_DATABASE_PASSWORD`,
  };
}

/** The role and its database, both quoted as identifiers, ready for the caller's GRANTs. */
export interface EnsuredLoginRole {
  name: string;
  database: string;
}

/**
 * Creates the role or, when it exists, resets it: it logs in with `password` and holds no attribute that
 * reaches past its grants (no superuser, no role or database creation, no replication, no row-security bypass).
 * Refuses the role running the migrations, since rewriting it would hand its DDL rights to whoever holds the role.
 */
export async function ensureLoginRole(
  client: pg.ClientBase,
  role: LoginRole,
  holder: LoginRoleHolder,
): Promise<EnsuredLoginRole> {
  if (role.password.length === 0) {
    throw new Error(
      `The ${holder.kind} role "${role.name}" needs a password: set ${holder.passwordVariable}.`,
    );
  }
  const { rows } = await client.query<{ owner: string; database: string; exists: boolean }>(
    'SELECT current_user AS owner, current_database() AS database, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists',
    [role.name],
  );
  const { owner, database, exists } = rows[0] as { owner: string; database: string; exists: boolean };
  if (owner === role.name) {
    throw new Error(
      `The ${holder.kind} role "${role.name}" is the role that runs the migrations: give ${holder.holder} a role of its own (${holder.userVariable}).`,
    );
  }
  const name = client.escapeIdentifier(role.name);
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(role.password)}`;
  await client.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${name} WITH ${attributes}`);
  return { name, database: client.escapeIdentifier(database) };
}
