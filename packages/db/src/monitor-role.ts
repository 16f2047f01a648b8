import type pg from 'pg';

export interface MonitorRole {
  name: string;
  password: string;
}

/**
 * Creates or updates the role the Postgres exporter logs in with: it reads statistics and settings through the
 * built-in pg_monitor role and reads no table (not even the application's), so the exporter's password opens no data.
 */
export async function ensureMonitorRole(client: pg.ClientBase, role: MonitorRole): Promise<void> {
  if (role.password.length === 0) {
    throw new Error(`The monitoring role "${role.name}" needs a password: set MONITOR_DATABASE_PASSWORD.`);
  }
  const { rows } = await client.query<{ owner: string; database: string; exists: boolean }>(
    'SELECT current_user AS owner, current_database() AS database, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists',
    [role.name],
  );
  const { owner, database, exists } = rows[0] as { owner: string; database: string; exists: boolean };
  if (owner === role.name) {
    throw new Error(
      `The monitoring role "${role.name}" is the role that runs the migrations: give the exporter a role of its own (MONITOR_DATABASE_USER).`,
    );
  }
  const name = client.escapeIdentifier(role.name);
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(role.password)}`;
  await client.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${name} WITH ${attributes}`);
  // A scrape is a handful of catalog queries: anything longer is stuck, and must not hold a connection.
  await client.query(`ALTER ROLE ${name} SET statement_timeout = '10s'`);
  await client.query(`GRANT pg_monitor TO ${name}`);
  await client.query(`GRANT CONNECT ON DATABASE ${client.escapeIdentifier(database)} TO ${name}`);
}
