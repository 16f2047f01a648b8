import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildLoginRole, expectOnlyNewPasswordLogsIn, useMigratedRole } from './support/migrated-role.ts';

const monitor = useMigratedRole(buildLoginRole('monitor'), (role) => ({ monitorRole: role }));

describe('the monitoring role', () => {
  it('When the exporter logs in with it, then it sees what every session runs and the server settings', async () => {
    const marker = `monitor-${randomBytes(4).toString('hex')}`;
    await monitor.owner().query(`SET application_name = '${marker}'`);
    const { rows } = await monitor.as((client) =>
      client.query<{ query: string }>('SELECT query FROM pg_stat_activity WHERE application_name = $1', [
        marker,
      ]),
    );
    expect(rows).toHaveLength(1);
    // Without pg_monitor, another role's query reads "<insufficient privilege>".
    expect(rows[0]?.query).not.toBe('<insufficient privilege>');
    const settings = await monitor.as((client) =>
      client.query("SELECT setting FROM pg_settings WHERE name = 'max_connections'"),
    );
    expect(settings.rows).toHaveLength(1);
  });

  it('When it asks for the rows of an application table, then Postgres refuses', async () => {
    await expect(monitor.as((client) => client.query('SELECT * FROM users LIMIT 1'))).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('When the migrations run again with a new password, then the role logs in with the new one only', async () => {
    await expectOnlyNewPasswordLogsIn(monitor);
  });
});
