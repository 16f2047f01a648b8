import type pg from 'pg';
import { ensureLoginRole, type LoginRole, loginRoleHolder } from './login-role.ts';

export type MonitorRole = LoginRole;

export const monitorRoleHolder = loginRoleHolder('monitoring', 'the exporter', 'MONITOR');

/**
 * Creates or updates the role the Postgres exporter logs in with: it reads statistics and settings through the
 * built-in pg_monitor role and reads no table (not even the application's), so the exporter's password opens no data.
 */
export async function ensureMonitorRole(client: pg.ClientBase, role: MonitorRole): Promise<void> {
  const { name, database } = await ensureLoginRole(client, role, monitorRoleHolder);
  // A scrape is a handful of catalog queries: anything longer is stuck, and must not hold a connection.
  await client.query(`ALTER ROLE ${name} SET statement_timeout = '10s'`);
  await client.query(`GRANT pg_monitor TO ${name}`);
  await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${name}`);
}
