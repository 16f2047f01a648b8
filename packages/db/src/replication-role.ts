import type pg from 'pg';
import { ensureLoginRole, type LoginRole, loginRoleHolder } from './login-role.ts';

export type ReplicationRole = LoginRole;

export const replicationRoleHolder = loginRoleHolder('replication', 'the read replicas', 'REPLICATION');

/**
 * Creates or updates the role the read replicas stream WAL with (pg_basebackup, then primary_conninfo): REPLICATION
 * and nothing else, not even CONNECT on a database. A replication connection reads every byte the cluster writes, so
 * its password must never be the application's, and the application's role must never hold this attribute.
 */
export async function ensureReplicationRole(client: pg.ClientBase, role: ReplicationRole): Promise<void> {
  const { name } = await ensureLoginRole(client, role, replicationRoleHolder);
  await client.query(`ALTER ROLE ${name} WITH REPLICATION`);
}
