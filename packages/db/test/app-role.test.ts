import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appRoleSettings } from '../src/app-role.ts';
import { runMigrations } from '../src/index.ts';

const databaseUrl = inject('databaseUrl');
const role = {
  name: `app_${randomBytes(4).toString('hex')}`,
  password: `pw-${randomBytes(8).toString('hex')}`,
};
let owner: pg.Client;

function urlAs(user: string, password: string): string {
  const url = new URL(databaseUrl);
  url.username = user;
  url.password = password;
  return url.toString();
}

async function asAppRole<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlAs(role.name, role.password) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  await runMigrations(databaseUrl, { appRole: role });
});
afterAll(async () => {
  await owner.query(`DROP OWNED BY ${role.name}`);
  await owner.query(`DROP ROLE ${role.name}`);
  await owner.end();
});

describe('The application role made by the migrations', () => {
  it('When it reads and writes rows, then Postgres allows it', async () => {
    const tag = `role-${randomBytes(4).toString('hex')}`;
    await asAppRole(async (client) => {
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
        asAppRole((client) => client.query(statement)),
        statement,
      ).rejects.toMatchObject({
        code: '42501',
      });
    }
  });

  it('When it logs in, then it is no superuser and its sessions start with the role timeouts', async () => {
    const settings = await asAppRole(async (client) => {
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
    const previous = role.password;
    role.password = `pw-${randomBytes(8).toString('hex')}`;
    await runMigrations(databaseUrl, { appRole: role });
    await expect(asAppRole((client) => client.query('SELECT 1'))).resolves.toBeDefined();
    const stale = new pg.Client({ connectionString: urlAs(role.name, previous) });
    await expect(stale.connect()).rejects.toMatchObject({ code: '28P01' });
    await stale.end().catch(() => {});
  });

  it('When the role named is the one running the migrations, then the migrations refuse it', async () => {
    const self = new URL(databaseUrl).username;
    await expect(runMigrations(databaseUrl, { appRole: { name: self, password: 'x' } })).rejects.toThrow(
      /role of its own/,
    );
  });
});
