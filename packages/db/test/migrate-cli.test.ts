import { fileURLToPath } from 'node:url';
import { runCli } from '@scaling/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildLoginRole } from './support/migrated-role.ts';

const cli = fileURLToPath(new URL('../src/migrate-cli.ts', import.meta.url));

describe('the migrate CLI', () => {
  const replicator = buildLoginRole('cli_replicator');
  let owner: pg.Client;
  beforeAll(async () => {
    owner = new pg.Client({ connectionString: inject('databaseUrl') });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.query(`DROP ROLE IF EXISTS ${replicator.name}`);
    await owner.end();
  });

  it('When the replication role’s variables are set, then it creates the role with REPLICATION and says so', async () => {
    const { code, stderr } = await runCli(cli, {
      DATABASE_URL: inject('databaseUrl'),
      REPLICATION_DATABASE_USER: replicator.name,
      REPLICATION_DATABASE_PASSWORD: replicator.password,
    });
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(stderr).toContain(`the replication role "${replicator.name}" is ready`);
    expect(stderr).toContain('pg_stat_statements is installed');
    const { rows } = await owner.query('SELECT rolreplication FROM pg_roles WHERE rolname = $1', [
      replicator.name,
    ]);
    expect(rows).toEqual([{ rolreplication: true }]);
  });

  it('When the replication user is set without its password, then it stops before migrating, naming both variables', async () => {
    const { code, stderr } = await runCli(cli, {
      DATABASE_URL: inject('databaseUrl'),
      REPLICATION_DATABASE_USER: buildLoginRole('cli_replicator').name,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/REPLICATION_DATABASE_USER is ".*" but REPLICATION_DATABASE_PASSWORD is not set/);
  });

  it('When NODE_ENV is production and a password is a local demo value, then it stops before migrating, naming it', async () => {
    const demo = buildLoginRole('cli_demo');
    const { code, stderr } = await runCli(cli, {
      NODE_ENV: 'production',
      DATABASE_URL: inject('databaseUrl'),
      APP_DATABASE_USER: demo.name,
      APP_DATABASE_PASSWORD: 'local-demo-only-app-database',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('APP_DATABASE_PASSWORD holds a local demo value');
    const { rows } = await owner.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [demo.name]);
    expect(rows).toEqual([]);
  });
});
