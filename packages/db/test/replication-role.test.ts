import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { buildLoginRole, expectOnlyNewPasswordLogsIn, useMigratedRole } from './support/migrated-role.ts';

const replicator = useMigratedRole(buildLoginRole('replicator'), (role) => ({ replicationRole: role }));

/** A walsender session, as pg_basebackup and a standby's primary_conninfo open one. */
async function identifySystemAs(user: string, password: string): Promise<string> {
  const url = new URL(inject('databaseUrl'));
  url.username = user;
  url.password = password;
  const client = new pg.Client({
    connectionString: url.toString(),
    replication: 'database',
  } as pg.ClientConfig);
  await client.connect();
  try {
    const { rows } = await client.query<{ systemid: string }>('IDENTIFY_SYSTEM');
    return (rows[0] as { systemid: string }).systemid;
  } finally {
    await client.end();
  }
}

describe('the replication role', () => {
  it('When a replica opens a replication connection with it, then the primary identifies its system', async () => {
    const { rows } = await replicator
      .owner()
      .query<{ system_identifier: string }>('SELECT system_identifier::text FROM pg_control_system()');
    await expect(identifySystemAs(replicator.role.name, replicator.role.password)).resolves.toBe(
      rows[0]?.system_identifier,
    );
  });

  it('When the application role asks for a replication connection, then Postgres refuses it', async () => {
    const app = buildLoginRole('app_no_replication');
    await replicator.owner().query(`CREATE ROLE ${app.name} LOGIN PASSWORD '${app.password}'`);
    try {
      await expect(identifySystemAs(app.name, app.password)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await replicator.owner().query(`DROP ROLE ${app.name}`);
    }
  });

  it('When it queries a table, then Postgres refuses: it streams WAL and holds no other right', async () => {
    const { rows } = await replicator
      .owner()
      .query<{ rolsuper: boolean; rolreplication: boolean }>(
        'SELECT rolsuper, rolreplication FROM pg_roles WHERE rolname = $1',
        [replicator.role.name],
      );
    expect(rows[0]).toEqual({ rolsuper: false, rolreplication: true });
    await expect(
      replicator.as((client) => client.query('SELECT * FROM users LIMIT 1')),
    ).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('When the migrations run again with a new password, then the role logs in with the new one only', async () => {
    await expectOnlyNewPasswordLogsIn(replicator);
  });
});
