import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runMigrations } from '../src/index.ts';

const databaseUrl = inject('databaseUrl');

function buildRole(overrides: Partial<{ name: string; password: string }> = {}) {
  return {
    name: `monitor_${randomBytes(4).toString('hex')}`,
    password: `pw-${randomBytes(8).toString('hex')}`,
    ...overrides,
  };
}

const role = buildRole();
let owner: pg.Client;

async function asMonitor<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(databaseUrl);
  url.username = role.name;
  url.password = role.password;
  const client = new pg.Client({ connectionString: url.toString() });
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
  await runMigrations(databaseUrl, { monitorRole: role });
});
afterAll(async () => {
  await owner.query(`DROP OWNED BY ${role.name}`);
  await owner.query(`DROP ROLE ${role.name}`);
  await owner.end();
});

describe('the monitoring role', () => {
  it('When the exporter logs in with it, then it sees what every session runs and the server settings', async () => {
    const marker = `monitor-${randomBytes(4).toString('hex')}`;
    await owner.query(`SET application_name = '${marker}'`);
    const { rows } = await asMonitor((client) =>
      client.query<{ query: string }>('SELECT query FROM pg_stat_activity WHERE application_name = $1', [
        marker,
      ]),
    );
    expect(rows).toHaveLength(1);
    // Without pg_monitor, another role's query reads "<insufficient privilege>".
    expect(rows[0]?.query).not.toBe('<insufficient privilege>');
    const settings = await asMonitor((client) =>
      client.query("SELECT setting FROM pg_settings WHERE name = 'max_connections'"),
    );
    expect(settings.rows).toHaveLength(1);
  });

  it('When it asks for the rows of an application table, then Postgres refuses', async () => {
    await expect(asMonitor((client) => client.query('SELECT * FROM users LIMIT 1'))).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('When the migrations run again with a new password, then the role logs in with the new one only', async () => {
    const previous = role.password;
    role.password = `pw-${randomBytes(8).toString('hex')}`;
    await runMigrations(databaseUrl, { monitorRole: role });
    await expect(asMonitor((client) => client.query('SELECT 1'))).resolves.toBeDefined();
    const stale = new URL(databaseUrl);
    stale.username = role.name;
    stale.password = previous;
    const client = new pg.Client({ connectionString: stale.toString() });
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
    await client.end().catch(() => {});
  });
});
