import type pg from 'pg';
import { ensureLoginRole, type LoginRole, loginRoleHolder } from './login-role.ts';

export type AppRole = LoginRole;

export const appRoleHolder = loginRoleHolder('application', 'the application', 'APP');

/**
 * Set on the role, so every session it opens starts with them: they hold through PgBouncer's transaction pooling,
 * where a `SET` from the application would land on whichever backend served that transaction. Far above any
 * query the API or the jobs run, they only stop what has run away: a query that never ends, a transaction left open.
 */
export const appRoleSettings = {
  statement_timeout: '30s',
  idle_in_transaction_session_timeout: '15s',
} as const;

/**
 * Creates or updates the application's role: it logs in with `password`, reads and writes the rows of every
 * table and uses their sequences, and nothing more (no DDL, no superuser, no role or database creation). Runs
 * after the migrations as their owner, so tables added later are granted on the next run.
 */
export async function ensureAppRole(client: pg.ClientBase, role: AppRole): Promise<void> {
  const { name, database } = await ensureLoginRole(client, role, appRoleHolder);
  for (const [setting, value] of Object.entries(appRoleSettings)) {
    await client.query(`ALTER ROLE ${name} SET ${setting} = ${client.escapeLiteral(value)}`);
  }
  await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${name}`);
  await client.query(`GRANT USAGE ON SCHEMA public TO ${name}`);
  await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${name}`);
  await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${name}`);
  // The migrations' own bookkeeping (pgmigrations, and the tables of other migration sets beside it) stays out of reach.
  const { rows } = await client.query<{ table: string }>(
    "SELECT tablename AS table FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'pgmigrations%'",
  );
  for (const { table } of rows) {
    await client.query(`REVOKE ALL ON TABLE ${client.escapeIdentifier(table)} FROM ${name}`);
  }
}
