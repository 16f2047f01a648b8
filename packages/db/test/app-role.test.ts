import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { appRoleSettings } from '../src/app-role.ts';
import { runMigrations } from '../src/index.ts';
import { buildLoginRole, expectOnlyNewPasswordLogsIn, useMigratedRole } from './support/migrated-role.ts';

const databaseUrl = inject('databaseUrl');
const app = useMigratedRole(buildLoginRole('app'), (role) => ({ appRole: role }));

describe('The application role made by the migrations', () => {
  it('When it reads and writes rows, then Postgres allows it', async () => {
    const tag = `role-${randomBytes(4).toString('hex')}`;
    await app.as(async (client) => {
      const inserted = await client.query<{ id: string }>(
        'INSERT INTO tags (name) VALUES ($1) RETURNING id',
        [tag],
      );
      await client.query('UPDATE tags SET name = name WHERE id = $1', [inserted.rows[0]?.id]);
      await client.query('DELETE FROM tags WHERE id = $1', [inserted.rows[0]?.id]);
    });
  });

  it('When it tries DDL, then each statement is refused for lack of privilege', async () => {
    for (const statement of [
      'CREATE TABLE intruder (id int)',
      'DROP TABLE comments',
      'ALTER TABLE users ADD COLUMN intruder int',
      'TRUNCATE tags',
      'SELECT * FROM pgmigrations',
      `CREATE ROLE intruder_${randomBytes(3).toString('hex')}`,
    ]) {
      await expect(
        app.as((client) => client.query(statement)),
        statement,
      ).rejects.toMatchObject({
        code: '42501',
      });
    }
  });

  it('When it logs in, then it is no superuser and its sessions start with the role timeouts', async () => {
    const settings = await app.as(async (client) => {
      const { rows } = await client.query<Record<string, string>>(
        `SELECT current_setting('is_superuser') AS is_superuser,
                current_setting('statement_timeout') AS statement_timeout,
                current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction_session_timeout`,
      );
      return rows[0];
    });
    expect(settings).toEqual({ is_superuser: 'off', ...appRoleSettings });
  });

  it('When the migrations run again with a new password, then the role logs in with the new one only', async () => {
    await expectOnlyNewPasswordLogsIn(app);
  });

  it('When the role named is the one running the migrations, then the migrations refuse it', async () => {
    const self = new URL(databaseUrl).username;
    await expect(runMigrations(databaseUrl, { appRole: { name: self, password: 'x' } })).rejects.toThrow(
      /role of its own/,
    );
  });
});
